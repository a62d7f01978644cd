#!/usr/bin/python3
"""Regenerates src/core/monitor/fixtures/auc.json: scikit-learn's roc_auc_score per period of the seeded
monitoring scenario (src/bench/monitor-scenario.ts), from the prediction log and the outcomes.
   npm run build && /usr/bin/python3 scripts/monitor_fixtures.py [STATLOG]"""
import glob, json, os, subprocess, sys, tempfile
from sklearn.metrics import roc_auc_score

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
statlog = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, 'data', 'samples', 'german.data')
home = tempfile.mkdtemp(prefix='credit-tui-monitor-')
subprocess.run(['node', os.path.join(root, 'dist', 'bench', 'monitor-scenario.js'), statlog, home], check=True)
outcomes = {}
for line in open(os.path.join(home, 'outcomes.csv')).read().strip().split('\n')[1:]:
    i, c = line.split(',')
    outcomes[i] = 1 if c == '2' else 0
batches = {}
for seg in sorted(glob.glob(os.path.join(home, 'outputs', 'predictions', '*.ndjson'))):
    for line in open(seg):
        p = json.loads(line)
        batches.setdefault(p['batch'], {'ts': p['ts'], 'y': [], 'p': []})
        batches[p['batch']]['y'].append(outcomes[p['id']])
        batches[p['batch']]['p'].append(p['p_bad'])
ordered = sorted(batches.values(), key=lambda b: b['ts'])
out = [{'rows': len(b['y']), 'auc': roc_auc_score(b['y'], b['p'])} for b in ordered]
path = os.path.join(root, 'src', 'core', 'monitor', 'fixtures', 'auc.json')
os.makedirs(os.path.dirname(path), exist_ok=True)
json.dump({'source': 'scripts/monitor_fixtures.py (sklearn.metrics.roc_auc_score)', 'periods': out}, open(path, 'w'), indent=1)
print(f'wrote {path}: {len(out)} periods')
