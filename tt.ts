import { runScenario } from './packages/engine/src/index';
import { DEFAULT_SCENARIO } from './packages/engine/src/scenario';
import { buildRunView } from './app/src/store/derive';
import { narrate } from './app/src/narration/narrate';
import { summaryBadges } from './app/src/diagram/badges';
import { checkClaims } from './app/src/narration/check-claims';
let tr=0, tv=0, tn=0, tc=0;
for (let i=0;i<20;i++){ const sc:any={...DEFAULT_SCENARIO, seed:'m'+i, at:'2026-11-25T12:00:00Z', serverKeyType: ['rsa-2048','ecdsa-p256','ed25519'][i%3], version: i%2?'TLS 1.2':'TLS 1.3'};
 let t=performance.now(); const ev:any[]=[]; const s=runScenario(sc,(e)=>ev.push(e)); tr+=performance.now()-t;
 t=performance.now(); const v=buildRunView(ev); tv+=performance.now()-t;
 t=performance.now(); const cl:any[]=[]; for(let k=0;k<=v.stepEnds.length;k++) cl.push(...narrate(v,k,'done',s).claims, ...summaryBadges(v,k).claims); tn+=performance.now()-t;
 t=performance.now(); checkClaims(v,cl); tc+=performance.now()-t; }
console.log({tr,tv,tn,tc});
