import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
