import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export type TestCertificate = { key: string; cert: string };

/**
 * A fresh self-signed certificate for the given hosts (IPs and names), made with the `openssl`
 * command: Node can sign nothing itself. The certificate is its own CA, so a client trusts it by
 * passing `cert` as `ca`, and distrusts it by not doing so.
 */
export function createTestCertificate(hosts: readonly string[], commonName = "LINE webhook chaos bot"): TestCertificate {
  assertOpensslAvailable();
  const dir = mkdtempSync(path.join(tmpdir(), "chaos-cert-"));
  try {
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    const san = [...new Set(hosts)].map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(",");
    execFileSync(
      "openssl",
      [
        "req", "-x509", "-nodes", "-days", "30",
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-keyout", keyFile, "-out", certFile,
        "-subj", `/CN=${commonName}`,
        "-addext", `subjectAltName=${san}`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let opensslChecked = false;

function assertOpensslAvailable(): void {
  if (opensslChecked) return;
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "The chaos bot needs the `openssl` command to make its test certificates, and it was not found. " +
        "Install OpenSSL (e.g. `apt-get install openssl`) and make sure it is on PATH.",
    );
  }
  opensslChecked = true;
}

export type ChaosCertificates = { trusted: TestCertificate; untrusted: TestCertificate };

/**
 * The chaos bot's two certificates: one to trust, one nobody trusts. With `dir`, they are kept
 * there (and the trusted one also as `ca.pem`, for NODE_EXTRA_CA_CERTS) and reused while they
 * cover the same hosts and have a week left, so a trusted CA survives restarts.
 */
export function loadOrCreateCertificates(hosts: readonly string[], dir?: string): ChaosCertificates {
  const file = dir ? path.join(dir, "certificates.json") : undefined;
  if (file && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8")) as ChaosCertificates & { hosts: string[] };
    const weekFromNow = Date.now() + 7 * 24 * 60 * 60 * 1000;
    const isFresh = new Date(new X509Certificate(saved.trusted.cert).validTo).getTime() > weekFromNow;
    if (isFresh && JSON.stringify(saved.hosts) === JSON.stringify(hosts)) {
      return { trusted: saved.trusted, untrusted: saved.untrusted };
    }
  }
  const certificates = {
    trusted: createTestCertificate(hosts),
    untrusted: createTestCertificate(hosts, "Untrusted chaos bot"),
  };
  if (dir && file) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify({ hosts, ...certificates }), { mode: 0o600 });
    writeFileSync(path.join(dir, "ca.pem"), certificates.trusted.cert);
  }
  return certificates;
}
