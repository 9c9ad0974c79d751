"""`make bench`'s report (bot/tools/benchmark.py): each target is judged from the figures, the
default's figures stand beside Lumi's. The measuring itself runs in `make bench`, never in tests."""

from bot.tools.benchmark import LEVELS, markdown


def result(**changes):
    level = {"p50_ms": 10.0, "p95_ms": 100.0, "p99_ms": 120.0, "throughput_msg_s": 90.0, "errors": 0}
    r = {
        "machine": "x86_64, 2 cores",
        "date": "2026-11-26",
        "commit": "abc1234",
        "startup_s": 12.0,
        "train_s": 90.0,
        **{str(n): dict(level) for n in LEVELS},
        "errors": 0,
        "rasa_rss_mb": 700.0,
        "actions_rss_mb": 40.0,
        "scale_out_2_workers": None,
        "nlu_holdout_acc": 0.95,
        "nlu_holdout_acc_default": 0.93,
        "topic_acc_fresh_questions": 0.89,
        "crisis_recall": 1.0,
        "false_alarm_rate": 0.02,
        "default": {
            "train_s": 3000.0,
            "train_reused": True,
            "startup_s": 15.0,
            "p50_ms": 13.0,
            "p95_ms": 20.0,
            "rasa_rss_mb": 900.0,
            "crisis_recall": 0.78,
            "false_alarm_rate": 0.02,
        },
        "ratios": {
            "holdout_acc_vs_default": 1.02,
            "p50_latency_vs_default": 0.77,
            "startup_vs_default": 0.8,
            "rss_vs_default": 0.78,
        },
    }
    r.update(changes)
    return r


def row(text, name):
    return next(line for line in text.splitlines() if line.startswith(f"| {name} |"))


def test_targets_met_and_missed_are_judged_from_the_figures():
    met = markdown(result())
    assert row(met, "p95 at 10 conversations").endswith("| yes |")
    assert row(met, "hold-out intent accuracy").endswith("| yes |")
    slow = result(**{"10": {"p50_ms": 90.0, "p95_ms": 209.0, "p99_ms": 300.0, "throughput_msg_s": 60.0, "errors": 0}})
    assert row(markdown(slow), "p95 at 10 conversations").endswith("| **no** |")
    below_default = markdown(result(nlu_holdout_acc=0.908, nlu_holdout_acc_default=0.935))
    assert row(below_default, "hold-out intent accuracy").endswith("| **no** |")


def test_the_default_s_crisis_recall_stands_beside_lumi_s():
    assert row(markdown(result()), "crisis recall, test split") == "| crisis recall, test split | 1.0 | 0.78 | |"
