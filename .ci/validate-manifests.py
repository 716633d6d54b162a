"""Validates rendered Kubernetes manifests: every built-in kind strictly (unknown fields fail)
against the OpenAPI schemas kubernetes-validate ships, for each Kubernetes version given; the two
custom resources csat ships (cert-manager's Certificate, the Prometheus Operator's
ServiceMonitor) against the schemas below. Any other kind fails: nothing passes unchecked.
Every resource, and every pod template, must carry the app.kubernetes.io labels of
deploy/components/release: an overlay's own resource that missed the component would not.

kubernetes-validate has no schemas for custom resources (it only warns and passes them), and
the operators' CRDs are not vendored here. The schemas below cover exactly the fields csat's
manifests use, with the types and values those CRDs give them (cert-manager.io/v1 and
monitoring.coreos.com/v1); any other field fails, so a new one is looked up in the CRD and
added here on purpose.

Usage: validate-manifests.py --kubernetes-version 1.30.0 [--kubernetes-version …] FILE…
"""

import argparse
import sys

import jsonschema
import kubernetes_validate
import yaml

DURATION = {"type": "string", "pattern": r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"}
STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
LABELS = {"type": "object", "additionalProperties": {"type": "string"}}
OBJECT_META = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
        "namespace": {"type": "string"},
        "labels": LABELS,
        "annotations": LABELS,
    },
    "additionalProperties": False,
}


def closed(required, properties):
    """Returns an object schema with these properties only."""
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


def custom_resource(api_version, kind, spec):
    return closed(
        ["apiVersion", "kind", "metadata", "spec"],
        {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": OBJECT_META,
            "spec": spec,
        },
    )


CERTIFICATE = custom_resource(
    "cert-manager.io/v1",
    "Certificate",
    closed(
        ["secretName", "issuerRef"],
        {
            "secretName": {"type": "string", "minLength": 1},
            "issuerRef": closed(
                ["name"],
                {
                    "name": {"type": "string", "minLength": 1},
                    "kind": {"type": "string"},
                    "group": {"type": "string"},
                },
            ),
            "duration": DURATION,
            "renewBefore": DURATION,
            "privateKey": closed(
                [],
                {
                    "algorithm": {"enum": ["RSA", "ECDSA", "Ed25519"]},
                    "size": {"type": "integer"},
                    "rotationPolicy": {"enum": ["Never", "Always"]},
                    "encoding": {"enum": ["PKCS1", "PKCS8"]},
                },
            ),
            "usages": {
                "type": "array",
                "items": {
                    "enum": [
                        "signing", "digital signature", "content commitment",
                        "key encipherment", "key agreement", "data encipherment",
                        "cert sign", "crl sign", "encipher only", "decipher only", "any",
                        "server auth", "client auth", "code signing", "email protection",
                        "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user",
                        "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc",
                    ]
                },
            },
            "dnsNames": STRINGS,
            "ipAddresses": STRINGS,
        },
    ),
)

SERVICE_MONITOR = custom_resource(
    "monitoring.coreos.com/v1",
    "ServiceMonitor",
    closed(
        ["selector", "endpoints"],
        {
            "selector": closed(["matchLabels"], {"matchLabels": LABELS}),
            "endpoints": {
                "type": "array",
                "minItems": 1,
                "items": closed(
                    ["port"],
                    {
                        "port": {"type": "string", "minLength": 1},
                        "path": {"type": "string", "pattern": "^/"},
                        "scheme": {"enum": ["http", "https"]},
                        "interval": {"type": "string", "pattern": r"^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?$"},
                    },
                ),
            },
        },
    ),
)

CUSTOM_SCHEMAS = {
    ("cert-manager.io/v1", "Certificate"): CERTIFICATE,
    ("monitoring.coreos.com/v1", "ServiceMonitor"): SERVICE_MONITOR,
}


RELEASE_LABELS = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
]


def label_problems(resource):
    """Returns a line for each release label missing from the resource or its pod template."""
    places = [("metadata.labels", resource.get("metadata", {}))]
    template = resource.get("spec", {}).get("template")
    if isinstance(template, dict) and "spec" in template:
        places.append(("spec.template.metadata.labels", template.get("metadata", {})))
    return [
        f"{place}: no label {label}"
        for place, metadata in places
        for label in RELEASE_LABELS
        if label not in (metadata.get("labels") or {})
    ]


def name_of(resource):
    return f"{resource.get('kind')}/{resource.get('metadata', {}).get('name')}"


def problems_of(resource, versions):
    """Returns what is wrong with `resource`, one line each, and how it was checked."""
    key = (resource.get("apiVersion"), resource.get("kind"))
    if key in CUSTOM_SCHEMAS:
        validator = jsonschema.Draft202012Validator(CUSTOM_SCHEMAS[key])
        problems = [
            f"{'.'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
            for error in validator.iter_errors(resource)
        ]
        return problems, "the fields csat uses (.ci/validate-manifests.py)"
    problems = []
    for version in versions:
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path) or "(root)"
            problems.append(f"Kubernetes {version}: {path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            problems.append(f"no schema, so no check: {error.message}")
    return problems, "Kubernetes " + " and ".join(versions) + ", strict"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubernetes-version", action="append", required=True)
    parser.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    failed = 0
    for path in arguments.files:
        with open(path, encoding="utf-8") as file:
            resources = [document for document in yaml.safe_load_all(file) if document]
        if not resources:
            print(f"FAIL {path}: no resources")
            failed += 1
        for resource in resources:
            problems, how = problems_of(resource, arguments.kubernetes_version)
            problems += label_problems(resource)
            if problems:
                failed += 1
                print(f"FAIL {path} {name_of(resource)}:")
                for problem in problems:
                    print(f"    {problem}")
            else:
                print(f"ok   {path} {name_of(resource)} ({how})")
    if failed:
        print(f"{failed} resource(s) failed validation")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
