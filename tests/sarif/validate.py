#!/usr/bin/python3
"""validate.py SCHEMA LOG... — validate SARIF logs against the SARIF 2.1.0 JSON schema
(python3-jsonschema, Debian).  Prints each violation; exit 1 if any, 0 if none."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
validator = cls(schema)
bad = 0
for path in sys.argv[2:]:
    log = json.load(open(path, encoding="utf-8"))
    for e in validator.iter_errors(log):
        bad += 1
        where = "/".join(str(p) for p in e.absolute_path)
        print(f"{path}: {where}: {e.message[:200]}")
sys.exit(1 if bad else 0)
