"""Compare two assessment.json files (e.g. a cold run before and after a change): every value equal, bit for bit,
but the wall-clock fields.  Usage: python benchmarks/compare_assessments.py A.json B.json (exit 1 on a difference)."""
import json, sys, math
SKIP = {"seconds", "started_utc", "command", "git_commit", "flights_s", "engagement_s"}
def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k in SKIP: continue
            if k not in a or k not in b: out.append(f"{path}/{k}: only in {'b' if k not in a else 'a'}"); continue
            walk(a[k], b[k], f"{path}/{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b): out.append(f"{path}: length {len(a)} != {len(b)}"); return
        for i, (x, y) in enumerate(zip(a, b)): walk(x, y, f"{path}[{i}]", out)
    elif isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")
a, b = (json.load(open(p)) for p in sys.argv[1:3])
out = []; walk(a, b, "", out)
print("\n".join(out[:50])); print(f"{len(out)} differences")
sys.exit(1 if out else 0)
