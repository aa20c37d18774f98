/**
 * "Compute it yourself": for a derived secret, key, nonce or decrypted record of this run, the
 * shell commands (Node, Python, openssl) that reproduce its value from this run's inputs, so a
 * student can check the numbers outside the app. Each recipe prints lowercase hex; `expect` is
 * the value the app shows. The recipe is chosen from the secret's formula and its named inputs
 * (the engine's event), never from its name alone; a secret whose inputs the app does not have
 * (an RSA private key) gets no recipe rather than a wrong one.
 */
import { hex } from '../format';
import type { ProtectedInfo, SecretEvent } from '../store/derive';

export type Tool = 'node' | 'python' | 'openssl';

export interface Recipe {
  tool: Tool;
  /** A one-line (or short) shell command. */
  command: string;
  /** The value it prints (lowercase hex), as the app shows it. */
  expect: string;
  /** What the command does, in a few words. */
  note?: string;
}

const utf8 = new TextEncoder();

function bytesInput(e: SecretEvent, name: string | RegExp): Uint8Array | undefined {
  const i = e.inputs.find((x) => (typeof name === 'string' ? x.name === name : name.test(x.name)));
  return i && typeof i.value !== 'string' ? i.value : undefined;
}

function stringInput(e: SecretEvent, name: string | RegExp): string | undefined {
  const i = e.inputs.find((x) => (typeof name === 'string' ? x.name === name : name.test(x.name)));
  return i && typeof i.value === 'string' ? i.value : undefined;
}

/** The hash of a TLS 1.3 derivation, from the length of its output secret or PRK. */
function hashOf(len: number): 'sha256' | 'sha384' | undefined {
  return len === 32 ? 'sha256' : len === 48 ? 'sha384' : undefined;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const node = (code: string) => `node -e ${sq(code)}`;
const py = (code: string) => `python3 -c ${sq(code)}`;
/** openssl kdf prints AB:CD:…; make it plain lowercase hex. */
const plain = `| tr -d ':\\n' | tr 'A-F' 'a-f'; echo`;

function hkdfExtract(salt: Uint8Array, ikm: Uint8Array, h: 'sha256' | 'sha384', expect: string): Recipe[] {
  const s = hex(salt);
  const k = hex(ikm);
  return [
    {
      tool: 'node',
      note: 'HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM)',
      command: node(`const c=require("crypto");console.log(c.createHmac("${h}",Buffer.from("${s}","hex")).update(Buffer.from("${k}","hex")).digest("hex"))`),
      expect,
    },
    {
      tool: 'python',
      command: py(`import hmac,hashlib;print(hmac.new(bytes.fromhex("${s}"),bytes.fromhex("${k}"),hashlib.${h}).hexdigest())`),
      expect,
    },
    {
      tool: 'openssl',
      command: `openssl kdf -keylen ${h === 'sha256' ? 32 : 48} -kdfopt digest:${h.toUpperCase()} -kdfopt mode:EXTRACT_ONLY -kdfopt hexkey:${k} -kdfopt hexsalt:${s} HKDF ${plain}`,
      expect,
    },
  ];
}

function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number, h: 'sha256' | 'sha384', expect: string): Recipe[] {
  const k = hex(prk);
  const i = hex(info);
  return [
    {
      tool: 'node',
      note: 'HKDF-Expand(PRK, HkdfLabel, L): the first L bytes of HMAC-Hash(PRK, HkdfLabel ‖ 01)',
      command: node(
        `const c=require("crypto");console.log(c.createHmac("${h}",Buffer.from("${k}","hex")).update(Buffer.from("${i}01","hex")).digest("hex").slice(0,${2 * length}))`,
      ),
      expect,
    },
    {
      tool: 'python',
      command: py(`import hmac,hashlib;print(hmac.new(bytes.fromhex("${k}"),bytes.fromhex("${i}01"),hashlib.${h}).hexdigest()[:${2 * length}])`),
      expect,
    },
    {
      tool: 'openssl',
      command: `openssl kdf -keylen ${length} -kdfopt digest:${h.toUpperCase()} -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:${k} -kdfopt hexinfo:${i} HKDF ${plain}`,
      expect,
    },
  ];
}

function hmacRecipe(key: Uint8Array, data: Uint8Array, h: 'sha256' | 'sha384', expect: string): Recipe[] {
  const k = hex(key);
  const d = hex(data);
  return [
    {
      tool: 'node',
      note: 'HMAC-Hash(key, data)',
      command: node(`const c=require("crypto");console.log(c.createHmac("${h}",Buffer.from("${k}","hex")).update(Buffer.from("${d}","hex")).digest("hex"))`),
      expect,
    },
    { tool: 'python', command: py(`import hmac,hashlib;print(hmac.new(bytes.fromhex("${k}"),bytes.fromhex("${d}"),hashlib.${h}).hexdigest())`), expect },
    { tool: 'openssl', command: `printf '%s' ${d} | xxd -r -p | openssl dgst -${h} -mac HMAC -macopt hexkey:${k} | sed 's/^.*= //'`, expect },
  ];
}

/** TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label ‖ seed), first `length` bytes. */
function prf(secret: Uint8Array, label: string, seed: Uint8Array, length: number, h: 'sha256' | 'sha384', expect: string): Recipe[] {
  const s = hex(secret);
  const ls = hex(utf8.encode(label)) + hex(seed);
  return [
    {
      tool: 'node',
      note: 'P_hash: A(i) = HMAC(secret, A(i-1)), output HMAC(secret, A(i) ‖ label ‖ seed) …',
      command: node(
        `const c=require("crypto"),k=Buffer.from("${s}","hex"),ls=Buffer.from("${ls}","hex"),m=(d)=>c.createHmac("${h}",k).update(d).digest();let a=ls,o=Buffer.alloc(0);while(o.length<${length}){a=m(a);o=Buffer.concat([o,m(Buffer.concat([a,ls]))])}console.log(o.subarray(0,${length}).toString("hex"))`,
      ),
      expect,
    },
    {
      tool: 'python',
      command: py(
        `import hmac,hashlib;k=bytes.fromhex("${s}");ls=bytes.fromhex("${ls}");m=lambda d:hmac.new(k,d,hashlib.${h}).digest();a=ls;o=b""\nwhile len(o)<${length}:\n a=m(a);o+=m(a+ls)\nprint(o[:${length}].hex())`,
      ),
      expect,
    },
    {
      tool: 'openssl',
      command: `openssl kdf -keylen ${length} -kdfopt digest:${h.toUpperCase()} -kdfopt hexsecret:${s} -kdfopt hexseed:${ls} TLS1-PRF ${plain}`,
      expect,
    },
  ];
}

const X25519_PKCS8 = '302e020100300506032b656e04220420';
const X25519_SPKI = '302a300506032b656e032100';

function ecdh(group: string, priv: Uint8Array, pub: Uint8Array, expect: string): Recipe[] {
  const k = hex(priv);
  const p = hex(pub);
  if (group === 'x25519') {
    return [
      {
        tool: 'node',
        note: 'X25519(private key, peer public key)',
        command: node(
          `const c=require("crypto"),d=(h,t)=>Buffer.from(h,"hex");console.log(c.diffieHellman({privateKey:c.createPrivateKey({key:d("${X25519_PKCS8}${k}"),format:"der",type:"pkcs8"}),publicKey:c.createPublicKey({key:d("${X25519_SPKI}${p}"),format:"der",type:"spki"})}).toString("hex"))`,
        ),
        expect,
      },
      {
        tool: 'openssl',
        command: `printf '%s' ${X25519_PKCS8}${k} | xxd -r -p > priv.der && printf '%s' ${X25519_SPKI}${p} | xxd -r -p > peer.der && openssl pkeyutl -derive -keyform DER -inkey priv.der -peerform DER -peerkey peer.der | xxd -p -c 256`,
        expect,
      },
    ];
  }
  if (group === 'secp256r1') {
    return [
      {
        tool: 'node',
        note: 'ECDH on P-256: the x-coordinate of private key × peer point',
        command: node(`const e=require("crypto").createECDH("prime256v1");e.setPrivateKey("${k}","hex");console.log(e.computeSecret("${p}","hex","hex"))`),
        expect,
      },
    ];
  }
  return [];
}

/** The recipes for one secret event (empty when the app lacks an input, e.g. an RSA key). */
export function secretRecipes(e: SecretEvent): Recipe[] {
  const expect = hex(e.value);
  const f = e.formula;
  const first = e.inputs.find((i) => typeof i.value !== 'string')?.value as Uint8Array | undefined;
  if (/^HKDF-Extract/.test(f)) {
    const salt = bytesInput(e, 'salt');
    const ikm = bytesInput(e, /^IKM/);
    const h = hashOf(e.value.length);
    return salt && ikm && h ? hkdfExtract(salt, ikm, h, expect) : [];
  }
  if (/^(Derive-Secret|HKDF-Expand-Label)/.test(f)) {
    const info = bytesInput(e, 'HkdfLabel');
    const h = first ? hashOf(first.length) : undefined;
    return first && info && h ? hkdfExpand(first, info, e.value.length, h, expect) : [];
  }
  if (/^HMAC\(/.test(f)) {
    const bytes = e.inputs.filter((i) => typeof i.value !== 'string').map((i) => i.value as Uint8Array);
    const h = bytes[0] ? hashOf(bytes[0].length) : undefined;
    return bytes.length === 2 && h ? hmacRecipe(bytes[0]!, bytes[1]!, h, expect) : [];
  }
  if (/^PRF\(/.test(f)) {
    const h = stringInput(e, 'PRF hash') === 'sha384' ? 'sha384' : 'sha256';
    const label = stringInput(e, 'label');
    const secret = first;
    if (!label || !secret) return [];
    if (label === 'key expansion') {
      const sr = bytesInput(e, 'server_random');
      const cr = bytesInput(e, 'client_random');
      return sr && cr ? prf(secret, label, new Uint8Array([...sr, ...cr]), e.value.length, h, expect) : [];
    }
    if (label === 'master secret') {
      const cr = bytesInput(e, 'client_random');
      const sr = bytesInput(e, 'server_random');
      return sr && cr ? prf(secret, label, new Uint8Array([...cr, ...sr]), e.value.length, h, expect) : [];
    }
    const seed = e.inputs.filter((i) => typeof i.value !== 'string')[1]?.value as Uint8Array | undefined;
    return seed ? prf(secret, label, seed, e.value.length, h, expect) : [];
  }
  const slice = /^key_block\[(\d+)\.\.(\d+)\]$/.exec(f);
  if (slice && first) {
    const [a, b] = [Number(slice[1]), Number(slice[2])];
    return [{ tool: 'node', note: `bytes ${a}..${b} of the key block`, command: node(`console.log("${hex(first)}".slice(${2 * a},${2 * (b + 1)}))`), expect }];
  }
  if (/^(X25519|ECDH)/.test(f)) {
    const group = stringInput(e, 'group') ?? (/X25519/.test(f) ? 'x25519' : 'secp256r1');
    const priv = bytesInput(e, /private key/);
    const pub = e.inputs.find((i) => typeof i.value !== 'string' && !/private/.test(i.name) && !/\(ecdh_Yc\)|^client ephemeral public/.test(i.name))?.value as
      Uint8Array | undefined;
    return priv && pub ? ecdh(group, priv, pub, expect) : [];
  }
  return [];
}

export type Aead = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/** The AEAD of a suite name, from its bulk-cipher part. */
export function aeadOf(suite: string | undefined): Aead | undefined {
  if (!suite) return undefined;
  if (suite.includes('AES_128_GCM')) return 'aes-128-gcm';
  if (suite.includes('AES_256_GCM')) return 'aes-256-gcm';
  if (suite.includes('CHACHA20_POLY1305')) return 'chacha20-poly1305';
  return undefined;
}

/** The nonce of a protected record: write_iv XOR the padded sequence number (or salt ‖ explicit). */
export function nonceRecipes(p: ProtectedInfo): Recipe[] {
  const expect = hex(p.nonce);
  if (p.explicitNonce) {
    return [{ tool: 'node', note: 'salt (implicit IV) ‖ explicit nonce', command: node(`console.log("${hex(p.iv)}"+"${hex(p.explicitNonce)}")`), expect }];
  }
  const iv = hex(p.iv);
  return [
    {
      tool: 'node',
      note: `write_iv XOR the sequence number ${p.sequence}, left-padded to ${p.iv.length} bytes`,
      command: node(
        `const iv=Buffer.from("${iv}","hex");const s=Buffer.alloc(iv.length);s.writeBigUInt64BE(${p.sequence}n,iv.length-8);console.log(Buffer.from(iv.map((b,i)=>b^s[i])).toString("hex"))`,
      ),
      expect,
    },
    {
      tool: 'python',
      command: py(`iv=bytes.fromhex("${iv}");s=(${p.sequence}).to_bytes(len(iv),"big");print(bytes(a^b for a,b in zip(iv,s)).hex())`),
      expect,
    },
  ];
}

/** Opens the record with its key, nonce, AAD and tag: prints the plaintext the app shows. */
export function decryptRecipes(p: ProtectedInfo, aead: Aead): Recipe[] {
  const expect = hex(p.plaintext);
  const [k, n, a, c, t] = [hex(p.key), hex(p.nonce), hex(p.aad), hex(p.ciphertext), hex(p.tag)];
  const pyClass = aead === 'chacha20-poly1305' ? 'ChaCha20Poly1305' : 'AESGCM';
  return [
    {
      tool: 'node',
      note: `${aead.toUpperCase()} decryption with the record's key, nonce, AAD and tag`,
      command: node(
        `const c=require("crypto"),h=(x)=>Buffer.from(x,"hex");const d=c.createDecipheriv("${aead}",h("${k}"),h("${n}"),{authTagLength:16});d.setAAD(h("${a}"));d.setAuthTag(h("${t}"));console.log(Buffer.concat([d.update(h("${c}")),d.final()]).toString("hex"))`,
      ),
      expect,
    },
    {
      tool: 'python',
      note: 'needs the "cryptography" package',
      command: py(
        `from cryptography.hazmat.primitives.ciphers.aead import ${pyClass};print(${pyClass}(bytes.fromhex("${k}")).decrypt(bytes.fromhex("${n}"),bytes.fromhex("${c}${t}"),bytes.fromhex("${a}")).hex())`,
      ),
      expect,
    },
  ];
}
