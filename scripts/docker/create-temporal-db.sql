-- Temporal keeps its own databases beside Drypowder's in the same server.
CREATE DATABASE temporal OWNER drypowder;
CREATE DATABASE temporal_visibility OWNER drypowder;
