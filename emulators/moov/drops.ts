import express, { type Request, type Router } from 'express';
import { MOOV_DROPS_SCRIPT_PATH } from '../../integrations/browser-scripts';
import { cardLinkFramePage } from './drops-card-link-frame';
import { dropsScript } from './drops-script';

/**
 * Moov's browser script, for the one Drop Drypowder uses: `moov-card-link`. The page loads the
 * script (at Moov: https://js.moov.io/v1), sets `oauthToken`, `accountID` and the callbacks on
 * the element and calls `submit()`; the card fields live in a frame served from this origin,
 * which posts the card to `/accounts/{accountID}/cards` with the page's scoped token. The page
 * hosting the element never holds the card number, exactly as with Moov's own Drop.
 */
export const CARD_LINK_FRAME_PATH = '/drops/card-link';

/** The origin browsers reach this emulator at, for when the script cannot tell (no currentScript). */
const requestOrigin = (req: Request) => `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;

export function dropsRouter(publicUrl?: string): Router {
  const router = express.Router();
  router.get(MOOV_DROPS_SCRIPT_PATH, (req, res) => {
    res.type('application/javascript').setHeader('Cache-Control', 'no-cache');
    res.send(dropsScript(publicUrl ?? requestOrigin(req), CARD_LINK_FRAME_PATH));
  });
  router.get(CARD_LINK_FRAME_PATH, (_req, res) => {
    res.type('html').setHeader('Cache-Control', 'no-store');
    res.send(cardLinkFramePage());
  });
  return router;
}
