// Validates Kubernetes manifests (a multi-document YAML stream on stdin, e.g. `kubectl kustomize deploy/k8s`)
// against the Kubernetes API schemas, offline, with kubernetes-models. Exits 1 naming every invalid document.
// With --json the verdicts go to stderr and stdout gets the documents as one JSON array, for tests that check what
// the schemas cannot (which probe a container has, what a Service selects).
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const json = process.argv.includes("--json");
const report = json ? console.error : console.log;
const documents = yaml.loadAll(readFileSync(0, "utf8")).filter((d) => d);
let failures = 0;
for (const document of documents) {
  const { apiVersion, kind, metadata } = document;
  const what = `${kind ?? "?"}/${metadata?.name ?? "?"}`;
  let model;
  try {
    model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
  } catch {
    console.error(`FAIL ${what}: no schema for ${apiVersion} ${kind}`);
    failures++;
    continue;
  }

  try {
    new model(document).validate();
    report(`OK   ${what} (${apiVersion})`);
  } catch (error) {
    console.error(`FAIL ${what}: ${error.message}`);
    failures++;
  }
}

if (documents.length === 0) {
  console.error("FAIL no documents on stdin");
  failures++;
}

if (json) {
  console.log(JSON.stringify(documents));
}

process.exit(failures === 0 ? 0 : 1);
