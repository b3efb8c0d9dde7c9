"""How to spend the distilled student's parameter budget, measured on the selection half of EWT dev only.

    python benchmarks/student_budget.py                      # sizes of the candidates, the teacher's cuts (~1 min)
    python benchmarks/student_budget.py --epochs 3           # also a few distillation epochs of each candidate

The student (benchmarks/compression.py, STUDENT and DISTILL) may have 25% of the teacher's parameters.
Its word table is the lever: keep more words (a lower min_count) or give each more dimensions.  This prints

* each candidate student's parameters (min_count:word_dim, the BiLSTM and MLP of STUDENT), against the budget;
* the teacher's LAS with its vocabulary cut at min_count (the dropped words read as UNK, as in the student)
  and with its word table replaced by its best rank-r approximation (PCA), both without retraining;
* with --epochs, the selection-half history of each candidate distilled for that many epochs (DISTILL's schedule).

Only the selection half (parser.selection.split_halves, seed SPLIT_SEED) is parsed: the report half, on which
benchmarks/compression.py scores the student, is never looked at.
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EWT = ROOT.parent / "shared" / "data" / "ud" / "en_ewt"


def low_rank_words(model, rank: int):
    """A copy of ``model`` whose word table is its best rank-``rank`` approximation (centred PCA)."""
    import torch
    model = copy.deepcopy(model)
    with torch.no_grad():
        for net in model.modules().values():
            for name, p in net.named_parameters():
                if name.endswith("words.weight") and p.dim() == 2 and p.shape[1] > rank:
                    mean = p[1:].mean(0, keepdim=True)   # row 0: padding
                    _, _, v = torch.linalg.svd(p[1:] - mean, full_matrices=False)
                    p.copy_((p - mean) @ v[:rank].T @ v[:rank] + mean)
    return model.eval()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="teacher model folder (default: the bundled model)")
    ap.add_argument("--train", default=str(EWT / "en_ewt-ud-train.conllu"))
    ap.add_argument("--dev", default=str(EWT / "en_ewt-ud-dev.conllu"))
    ap.add_argument("--students", default="10:32,10:48,7:38,6:32,5:30",
                    help="candidates as min_count:word_dim, comma-separated")
    ap.add_argument("--min-counts", default="1,5,7,10", help="the teacher's vocabulary cuts")
    ap.add_argument("--ranks", default="48,40,32", help="the teacher's word-table ranks")
    ap.add_argument("--epochs", type=int, default=0, help="distil each candidate this many epochs (0: do not)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)

    import torch
    from compression import DISTILL, SPLIT_SEED, STUDENT
    from deplab.parser.compression.distill import SoftTargets, init_from_teacher, make_student
    from deplab.parser.compression.measure import accuracy_and_speed, counts
    from deplab.parser.compression.retrain import retrain
    from deplab.parser.compression.vocabulary import kept_words, prune_vocabulary
    from deplab.parser.conllu import read_conllu
    from deplab.parser.model import DEFAULT_MODEL_DIR, Model
    from deplab.parser.selection import split_halves
    torch.set_num_threads(args.threads)
    teacher = Model.load(args.model or DEFAULT_MODEL_DIR)
    select, _ = split_halves(read_conllu(args.dev), SPLIT_SEED)
    total = counts(teacher)["parameters"]
    budget = total // 4
    print(f"teacher: {total:,} parameters; the budget (25%): {budget:,}; selection half: {len(select)} sentences")
    candidates = [tuple(int(x) for x in c.split(":")) for c in args.students.split(",") if c.strip()]
    sizes = {k: v for k, v in STUDENT.items() if k != "word_dim"}
    for mc, dim in candidates:
        n = counts(make_student(prune_vocabulary(teacher, mc), {**sizes, "word_dim": dim}))["parameters"]
        print(f"student words seen >= {mc}x ({len(kept_words(teacher.words, mc)):,}), word_dim {dim}: "
              f"{n:,} parameters ({n / total:.1%}; {budget - n:+,} to the budget)")
    print("\nteacher, no retraining: selection-half LAS")
    for mc in (int(x) for x in args.min_counts.split(",")):
        cut = prune_vocabulary(teacher, mc) if mc > 1 else teacher
        line = [f"full rank {accuracy_and_speed(cut, select)['LAS']:.2f}"]
        line += [f"rank {r} {accuracy_and_speed(low_rank_words(cut, r), select)['LAS']:.2f}"
                 for r in (int(x) for x in args.ranks.split(","))]
        print(f"  words seen >= {mc}x ({len(kept_words(teacher.words, mc)):,} words): " + ", ".join(line), flush=True)
    if args.epochs > 0:
        from deplab.parser.examples import Treebank
        train = Treebank.from_sentences(read_conllu(args.train))
        soft = SoftTargets(teacher, train, DISTILL["temperature"], DISTILL["alpha"])  # one cache for all
        for mc, dim in candidates:
            vocab = prune_vocabulary(teacher, mc)
            student = make_student(vocab, {**sizes, "word_dim": dim})
            if DISTILL["init_from_teacher"]:
                init_from_teacher(student, vocab)
            print(f"\n{args.epochs} epochs, words seen >= {mc}x, word_dim {dim}:", flush=True)
            t0 = time.time()
            retrain(student, train, select, args.epochs, [], lr=DISTILL["lr"], objective=soft,
                    lr_decay=DISTILL["lr_decay"], average=DISTILL["average"], log=lambda m: print(" ", m, flush=True))
            print(f"  ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
