import { Client, Connection, type ConnectionOptions, type WorkflowClientInterceptor } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import type { Config } from './config';

/** How to reach a Temporal server that wants more than a plain connection (Temporal Cloud, a server with mTLS). */
export interface TemporalSecurity {
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
}

/**
 * TLS and credentials from configuration: an API key (Temporal Cloud) or a client certificate
 * (mTLS, self-hosted or Cloud) each turn TLS on; TEMPORAL_TLS alone asks for TLS with the
 * system's trust store. None of them: the plain connection of a local server.
 */
export function temporalSecurity(cfg: Pick<Config, 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_API_KEY'>): TemporalSecurity {
  const clientCertPair = cfg.TEMPORAL_TLS_CERT_PATH && cfg.TEMPORAL_TLS_KEY_PATH
    ? { crt: readFileSync(cfg.TEMPORAL_TLS_CERT_PATH), key: readFileSync(cfg.TEMPORAL_TLS_KEY_PATH) }
    : undefined;
  const wantsTls = cfg.TEMPORAL_TLS || Boolean(clientCertPair) || Boolean(cfg.TEMPORAL_API_KEY);
  return {
    ...(wantsTls ? { tls: clientCertPair || cfg.TEMPORAL_TLS_SERVER_NAME ? { clientCertPair, serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME } : true } : {}),
    ...(cfg.TEMPORAL_API_KEY ? { apiKey: cfg.TEMPORAL_API_KEY } : {}),
  };
}

export async function connectTemporalClient(address: string, namespace: string, security: TemporalSecurity = {}, interceptors: WorkflowClientInterceptor[] = []): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '30s', ...security });
  return new Client({ connection, namespace, interceptors: { workflow: interceptors } });
}
