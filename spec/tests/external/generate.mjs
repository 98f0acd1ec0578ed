// Reference values from circomlibjs (Poseidon, BabyJubjub EdDSA-Poseidon) and ethers
// (secp256k1, EIP-191, EIP-712, keccak), written without any of zkrollup's code. The Rust tests
// in ../primitives_external.rs compare the spec against this file's output.
import { buildPoseidon, buildEddsa } from "circomlibjs";
import { Wallet, keccak256, getBytes, hexlify, TypedDataEncoder, toBeHex } from "ethers";

const poseidon = await buildPoseidon();
const eddsa = await buildEddsa();
const F = poseidon.F;
const str = (x) => F.toObject(x).toString();

const out = { poseidon: [], eddsa: [], l1: [] };

for (let n = 1; n <= 6; n++) {
  const inputs = Array.from({ length: n }, (_, i) => BigInt(i + 1));
  out.poseidon.push({ inputs: inputs.map(String), output: str(poseidon(inputs)) });
}
out.poseidon.push({ inputs: ["0", "0", "0", "0"], output: str(poseidon([0n, 0n, 0n, 0n])) });

const keys = [
  "0001020304050607080900010203040506070809000102030405060708090001",
  "0707070707070707070707070707070707070707070707070707070707070707",
  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
];
const msgs = [0n, 1n, 123456789n,
  21888242871839275222246405745257275088548364400416034343698204186575808495616n];
for (const k of keys) {
  const prv = Buffer.from(k, "hex");
  const A = eddsa.prv2pub(prv);
  const pkh = toBeHex(F.toObject(poseidon([A[0], A[1]])), 32).slice(-40);
  const sigs = msgs.map((m) => {
    const s = eddsa.signPoseidon(prv, F.e(m));
    if (!eddsa.verifyPoseidon(F.e(m), s, A)) throw new Error("circomlibjs rejects its own signature");
    return { msg: m.toString(), r8x: str(s.R8[0]), r8y: str(s.R8[1]), s: s.S.toString() };
  });
  out.eddsa.push({ private_key: "0x" + k, ax: str(A[0]), ay: str(A[1]), pubkey_hash: "0x" + pkh, signatures: sigs });
}

// The L2 key's seed message names the deployment: chain id and rollup contract (lowercase hex).
const seedMessage = (chainId, contract) =>
  `Access zkrollup account.\n\nChain ID: ${chainId}\nRollup contract: ${contract}\n\nOnly sign this message for a trusted client!`;
const secrets = ["0x" + "09".repeat(32), "0x" + "03".repeat(32), "0x" + "00".repeat(31) + "01"];
const seedDomains = [[31337, "0x" + "cc".repeat(20)], [1, "0x" + "32".repeat(20)], [31337, "0x" + "cd".repeat(20)]];
for (const [i, secret] of secrets.entries()) {
  const w = new Wallet(secret);
  const [seedChainId, seedContract] = seedDomains[i];
  const seedMsg = seedMessage(seedChainId, seedContract);
  const seedSig = w.signMessageSync(seedMsg);
  const l2 = getBytes(keccak256(seedSig));
  const A = eddsa.prv2pub(Buffer.from(l2));
  // ChangePubKey authorisations for pubkey hash 0x11..11, nonce 5, account 7.
  const pkh = "0x" + "11".repeat(20);
  const domain = { name: "zkrollup", version: "1", chainId: 31337,
    verifyingContract: "0x" + "cc".repeat(20) };
  // pubkey hash, nonce 5, account 7, chain id (8 bytes), contract: the deployment is named.
  const eip191Msg = getBytes(pkh + "00000005" + "00000007" + toBeHex(domain.chainId, 8).slice(2)
    + domain.verifyingContract.slice(2));
  const types = { ChangePubKey: [
    { name: "pubKeyHash", type: "bytes20" }, { name: "nonce", type: "uint32" },
    { name: "accountId", type: "uint32" }] };
  const value = { pubKeyHash: pkh, nonce: 5, accountId: 7 };
  out.l1.push({
    secret, address: w.address.toLowerCase(),
    seed_chain_id: seedChainId, seed_contract: seedContract, seed_message: seedMsg, seed_signature: seedSig,
    l2_private_key: hexlify(l2), l2_ax: str(A[0]), l2_ay: str(A[1]),
    change_pubkey: { pubkey_hash: pkh, nonce: 5, account_id: 7, chain_id: 31337,
      contract: domain.verifyingContract,
      eip191_signature: w.signMessageSync(eip191Msg),
      eip712_digest: TypedDataEncoder.hash(domain, types, value),
      eip712_signature: w.signingKey.sign(TypedDataEncoder.hash(domain, types, value)).serialized },
  });
}

process.stdout.write(JSON.stringify(out, null, 2) + "\n");
