/**
 * A Session runs a client and a server in one process over an in-memory wire and reports
 * everything both sides do as one ordered event stream, in delivery order with its steps
 * (steps.ts). This is what the app (in its Worker)
 * and `tlslab simulate` run: a real handshake between two real endpoints, each record
 * delivered on its own, with an optional man-in-the-middle that breaks the run on purpose
 * (scenario.fault). Same scenario + same seed → the same bytes.
 *
 * The parts live in session/: run.ts (runScenario, step by step), credentials.ts (demo PKI and
 * pastes), configure.ts (the two configurations, the faults a peer commits), resumption.ts
 * (the earlier handshake that gives the ticket), wire.ts (the record queue), exchange.ts (the
 * HTTP request and answer), event-log.ts (stamping, flights, 0-RTT phases), summary.ts (how
 * the run ended). The man in the middle is faults/mitm.ts.
 */
export { runScenario, type RunOptions } from './session/run';
export { createEventLog, type EventLog } from './io/stamp';
export { type RunSummary } from './session/summary';
export { mergeNegotiated, type Negotiated } from './negotiated';
