"""Regenerates src/mlmodel/testdata/pyyaml-golden.json: what PyYAML's safe_dump writes for a seeded
corpus of JSON-representable values. The TypeScript port (src/mlmodel/pyyaml-dump.ts) must match
every case byte for byte. Dev-only: `python3 packages/format/scripts/pyyaml-golden.py` (PyYAML 6)."""
import json
import os
import random

import yaml

rng = random.Random(int(os.environ.get("SEED", "20240611")))
ALPHABET = list("abcxyz ABC019.-_:#,'\"[]{}&*!|>%@`?=~<\t\n/\\") + ["é", "ü", "中", "😀", "\x85", "\u2028", "\xa0", "\ufeff", "\x07"]
WORDS = ["yes", "no", "on", "Off", "null", "~", "true", "1.5", "1_000", "0x1F", "017", "1:30", "2023-01-01",
         "2023-01-01 10:57:16.077123", ".inf", "-.nan", "1e5", "1.0e+5", "<<", "=", "3.10.12", "m-abc", "- x",
         "---", "...x", "a: b", "a #b", "#c", "@x", "", " lead", "trail ", "a\nb", "a \nb", "a\n b", "{\"type\": \"long\"}"]


def rand_string():
    r = rng.random()
    if r < 0.3:
        return rng.choice(WORDS)
    if r < 0.55:  # words, to exercise folding
        n = rng.randint(5, 40)
        return " ".join("".join(rng.choice("abcdefgh\"{}:,") for _ in range(rng.randint(1, 12))) for _ in range(n))
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 120)))


def rand_value(depth=0):
    r = rng.random()
    if depth > 3 or r < 0.45:
        k = rng.random()
        if k < 0.6:
            return rand_string()
        if k < 0.7:
            return rng.randint(-10**6, 10**6)
        if k < 0.8:
            return rng.choice([0.5, -1.25, 1e-05, 3.14159, 1.5e-7, 2.5e+20, 0.0001, 123.456, 1e-300])
        if k < 0.9:
            return rng.choice([True, False])
        return None
    if r < 0.7:
        return [rand_value(depth + 1) for _ in range(rng.randint(0, 4))]
    return {rand_string() if rng.random() < 0.3 else rng.choice(["a", "key", "z_last", "Flavors", "b c"]) + str(i):
            rand_value(depth + 1) for i in range(rng.randint(0, 5))}


cases = []
for i in range(int(os.environ.get("COUNT", "220"))):
    value = rand_value()
    opts = {"sortKeys": rng.random() < 0.8, "allowUnicode": rng.random() < 0.3}
    text = yaml.safe_dump(value, default_flow_style=False, sort_keys=opts["sortKeys"], allow_unicode=opts["allowUnicode"])
    cases.append({"value": value, "options": opts, "yaml": text})
# Long keys take PyYAML's explicit `? key` form.
for key in ["k" * 122, "k" * 123, "long key " * 20]:
    value = {key: "v", "short": ["a", {key: None}]}
    cases.append({"value": value, "options": {"sortKeys": True, "allowUnicode": False},
                  "yaml": yaml.safe_dump(value, default_flow_style=False)})

out = os.environ.get("OUT") or os.path.join(os.path.dirname(__file__), "..", "src", "mlmodel", "testdata", "pyyaml-golden.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump({"pyyaml": yaml.__version__, "cases": cases}, f, ensure_ascii=True, indent=None)
    f.write("\n")
print(len(cases), "cases")
