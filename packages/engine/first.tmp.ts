import { runScenario, DEFAULT_SCENARIO } from './src/index';
const t0 = performance.now();
runScenario({ ...DEFAULT_SCENARIO, seed: 'first-run' }, () => {});
const t1 = performance.now();
runScenario({ ...DEFAULT_SCENARIO, seed: 'second-run' }, () => {});
const t2 = performance.now();
console.log('first', (t1 - t0).toFixed(0), 'second', (t2 - t1).toFixed(0));
