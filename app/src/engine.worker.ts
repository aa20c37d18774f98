/** The engine Worker: all TLS work (handshakes, certificate checks) runs here, off the main thread. */
import { serve } from '@tlslab/engine/worker';
serve();
