"""Gradient-boosted-trees reference for bench/gbtReference.ts (a benchmark, not a test).

Reads the train / validation / test matrices that gbtReference.ts wrote into DIR (the exact
features and home split of the training run, censored rows out; missing values are NaN, which
HistGradientBoosting handles natively), tunes a small grid of scikit-learn's
HistGradientBoostingClassifier on the VALIDATION homes only (learning_rate, max_leaf_nodes,
l2_regularization; the number of boosting iterations by early stopping on the validation
homes' average precision), and writes the chosen model's validation and test probabilities to
DIR/gbt_scores.json. Test rows decide nothing: they are scored once, with the chosen model.

    /usr/bin/python3 bench/gbt_reference.py DIR [--seed 42] [--max-iter 300] [--quick]

--quick tunes learning_rate 0.1 only (6 fits instead of 12), for a loaded machine.

Needs Debian's scikit-learn: apt-get update && apt-get install -y python3-sklearn
"""

import argparse
import itertools
import json
import os
import sys
import time

try:
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import average_precision_score
    import sklearn
except ImportError as e:  # the bench installs nothing itself
    sys.stderr.write(
        f"gbt_reference.py: {e}; install scikit-learn with: "
        "apt-get update && apt-get install -y python3-sklearn (and run /usr/bin/python3)\n"
    )
    sys.exit(3)

GRID = {
    "learning_rate": [0.05, 0.1],
    "max_leaf_nodes": [15, 31, 63],
    "l2_regularization": [0.0, 1.0],
}


def read_part(directory, meta, part):
    rows = meta["rows"][part]
    d = len(meta["features"])
    x = np.fromfile(os.path.join(directory, f"x_{part}.f32"), dtype=np.float32).reshape(rows, d)
    y = np.fromfile(os.path.join(directory, f"y_{part}.u8"), dtype=np.uint8)
    return x, y


def best_iteration(model, x_val, y_val, every=5):
    """Average precision on the validation homes every `every` boosting iterations: the best one."""
    best = (-1.0, 0)
    for k, proba in enumerate(model.staged_predict_proba(x_val), start=1):
        if k % every != 0 and k != model.n_iter_:
            continue
        ap = average_precision_score(y_val, proba[:, 1])
        if ap > best[0]:
            best = (ap, k)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-iter", type=int, default=300)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    grid = {**GRID, "learning_rate": [0.1]} if args.quick else GRID
    with open(os.path.join(args.dir, "meta.json")) as f:
        meta = json.load(f)
    x_train, y_train = read_part(args.dir, meta, "train")
    x_val, y_val = read_part(args.dir, meta, "validation")
    x_test, _ = read_part(args.dir, meta, "test")

    tried = []
    best = None
    for lr, leaves, l2 in itertools.product(*grid.values()):
        params = {"learning_rate": lr, "max_leaf_nodes": leaves, "l2_regularization": l2}
        started = time.perf_counter()
        model = HistGradientBoostingClassifier(
            max_iter=args.max_iter, early_stopping=False, random_state=args.seed, **params
        ).fit(x_train, y_train)
        ap, iterations = best_iteration(model, x_val, y_val)
        seconds = time.perf_counter() - started
        tried.append({**params, "validation_pr_auc": ap, "iterations": iterations, "seconds": seconds})
        print(f"  {params} → validation PR-AUC {ap:.4f} at {iterations} iterations ({seconds:.1f} s)", flush=True)
        if best is None or ap > best[0]:
            best = (ap, iterations, params, model)

    ap, iterations, params, model = best
    # the staged prediction at the chosen iteration is that of a model trained with max_iter=iterations
    staged = lambda x: next(itertools.islice(model.staged_predict_proba(x), iterations - 1, None))[:, 1]
    out = {
        "library": f"scikit-learn {sklearn.__version__}",
        "model": "HistGradientBoostingClassifier",
        "grid": grid,
        "tried": tried,
        "chosen": {**params, "iterations": iterations, "validation_pr_auc": ap},
        "validation_scores": staged(x_val).tolist(),
        "test_scores": staged(x_test).tolist(),
    }
    with open(os.path.join(args.dir, "gbt_scores.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
