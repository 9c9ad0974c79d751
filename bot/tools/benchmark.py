"""`make bench`: measures Lumi against what a Rasa user gets by default, on this machine, and
writes results/bench.json and docs/benchmarks.md.

Measured: training time; start-up (process start to first successful reply, Rasa and action
server); full REST round trips of realistic multi-turn conversations (questions, buttons,
self-checks) at 1, 10 and 50 concurrent conversations on loopback (p50/p95/p99, throughput,
errors); resident memory of both servers; hold-out accuracy and crisis recall / false alarms.
The default is the config.yml that `rasa init` writes, trained on the same data and served with
the same action server."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from bot.launch import action_server_command, endpoints_for, rasa_server_command, server_env, stop_processes
from bot.settings import ROOT

BIN = Path(sys.executable).parent
RESULTS = ROOT / "results"
DOC = ROOT / "docs" / "benchmarks.md"
CACHE = ROOT / "build" / "bench"
RASA_PORT, ACTION_PORT = 25005, 25055
LEVELS = (1, 10, 50)
MESSAGES_PER_LEVEL = {1: 100, 10: 400, 50: 600}  # enough replies for a steady p95
DEFAULT_CONFIG = """recipe: default.v1
language: en
assistant_id: default-rasa-init
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
    constrain_similarities: true
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: 100
    constrain_similarities: true
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
policies:
  - name: MemoizationPolicy
  - name: RulePolicy
  - name: UnexpecTEDIntentPolicy
    max_history: 5
    epochs: 100
  - name: TEDPolicy
    max_history: 5
    epochs: 100
    constrain_similarities: true
"""
# realistic conversations: questions, follow-ups, buttons, a self-check, small talk
CONVERSATIONS: List[List[str]] = [
    [
        "hi",
        "what is grooming?",
        '/ask_followup{"goal": "warning_signs", "topic": "grooming"}',
        "what should I do?",
        "thanks",
    ],
    [
        "my daughter is 13 and chats with an older man she met in a game, how do i protect her",
        "how do i report it",
        "bye",
    ],
    ["is this grooming?", "/affirm", "/deny", "/not_sure", "/deny", "/affirm", "/deny", "/deny", "/deny"],
    ["people in my class keep posting mean stuff about me on tiktok", "what can i do", "tell me more"],
    ["what is a loverboy?", "/tell_more", "is he a loverboy", "stop", "what is sextortion"],
    ["are you a real person?", "what can you do", "I'm in Spain", "where do I get help?"],
    ["quiz me on sextortion", '/quiz_answer{"scenario": "sextortion.s1", "choice": "a"}', "help"],
]


def env() -> Dict[str, str]:
    return server_env(TF_CPP_MIN_LOG_LEVEL="3", LUMI_STATS_URL=f"sqlite:///{tempfile.gettempdir()}/lumi_bench_stats.db")


def training_env() -> Dict[str, str]:
    """As `make train` runs: TensorFlow uses every core (the servers' one-thread setting would
    make training several times slower)."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}


def train(config: Path, out: Path, name: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [
            str(BIN / "rasa"),
            "train",
            "--domain",
            "bot/project/domain",
            "--config",
            str(config),
            "--data",
            "bot/project/data",
            "--out",
            str(out),
            "--fixed-model-name",
            name,
            "--force",
        ],
        cwd=ROOT,
        env=training_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid] + [
        int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    ]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def say(session: aiohttp.ClientSession, sender: str, message: str) -> Tuple[float, bool]:
    started = time.perf_counter()
    try:
        async with session.post(
            f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=aiohttp.ClientTimeout(total=60),
        ) as reply:
            ok = reply.status == 200 and bool(await reply.json())
    except (aiohttp.ClientError, asyncio.TimeoutError):
        ok = False
    return (time.perf_counter() - started) * 1000, ok


SCALE_OUT = {
    "tracker_store": {"type": "redis", "url": "127.0.0.1", "port": 6379, "db": 3, "record_exp": 600},
    "lock_store": {"type": "redis", "url": "127.0.0.1", "port": 6379, "db": 3},
}


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def start_servers(model: Path, workers: int = 1) -> Tuple[subprocess.Popen, subprocess.Popen, float]:
    """The servers as `make run` starts them; with workers > 1, Rasa runs that many Sanic
    workers on the Redis tracker and lock stores of the README's scale-out configuration."""
    endpoints = Path(tempfile.mkdtemp()) / "endpoints.yml"
    endpoints.write_text(endpoints_for(ACTION_PORT, SCALE_OUT if workers > 1 else None))
    started = time.monotonic()
    actions = subprocess.Popen(
        action_server_command(ACTION_PORT), cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    rasa = subprocess.Popen(
        rasa_server_command(model, endpoints, RASA_PORT),
        cwd=ROOT,
        env={**env(), "SANIC_WORKERS": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    async def first_reply() -> None:
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    async with session.post(
                        f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook",
                        json={"sender": "startup", "message": "what is grooming?"},
                    ) as reply:
                        if reply.status == 200 and "content_id" in json.dumps(await reply.json()):
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)

    asyncio.run(asyncio.wait_for(first_reply(), timeout=600))
    return rasa, actions, round(time.monotonic() - started, 1)


async def load(concurrency: int, total: int) -> Dict[str, float]:
    latencies: List[float] = []
    errors = 0
    queue: asyncio.Queue = asyncio.Queue()
    for index in range(total):
        queue.put_nowait(index)

    async def worker(number: int, session: aiohttp.ClientSession) -> None:
        nonlocal errors
        conversation, sender, step = CONVERSATIONS[number % len(CONVERSATIONS)], f"bench-{uuid.uuid4().hex}", 0
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if step == len(conversation):
                conversation = CONVERSATIONS[(number + step) % len(CONVERSATIONS)]
                sender, step = f"bench-{uuid.uuid4().hex}", 0
            latency, ok = await say(session, sender, conversation[step])
            step += 1
            latencies.append(latency)
            errors += not ok

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.wait_for(asyncio.gather(*(worker(n, session) for n in range(concurrency))), timeout=900)
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    return {
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.mean(ordered), 1),
        "throughput_msg_s": round(len(ordered) / elapsed, 1),
        "messages": len(ordered),
        "errors": errors,
    }


def measure_serving(model: Path, levels=LEVELS, workers: int = 1) -> Dict[str, Any]:
    rasa, actions, startup = start_servers(model, workers)
    try:
        asyncio.run(load(1, 20))  # warm-up
        latency = {}
        for level in levels:
            before = cpu_s(rasa.pid)
            latency[str(level)] = asyncio.run(load(level, MESSAGES_PER_LEVEL[level]))
            if workers == 1:  # the Rasa process's own CPU time (several workers are child processes)
                latency[str(level)]["rasa_cpu_ms_per_msg"] = round(
                    (cpu_s(rasa.pid) - before) * 1000 / MESSAGES_PER_LEVEL[level], 2
                )
        return {
            "startup_s": startup,
            "latency": latency,
            "rasa_rss_mb": rss_mb(rasa.pid),
            "actions_rss_mb": rss_mb(actions.pid),
        }
    finally:
        stop_processes([rasa, actions])


def training_inputs_digest() -> str:
    """What the default model is trained from: its config and Lumi's domain and data."""
    digest = hashlib.sha256(DEFAULT_CONFIG.encode())
    for path in sorted(
        [*(ROOT / "bot" / "project" / "domain").rglob("*.yml"), *(ROOT / "bot" / "project" / "data").rglob("*.yml")]
    ):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def default_model(work: Path) -> Tuple[Path, float, bool]:
    """The default pipeline's model and training time: trained here (about 30 minutes), or
    reused from build/bench/ when it was trained from the same config, domain and data."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = training_inputs_digest()
    model, meta = CACHE / f"default-{key}.tar.gz", CACHE / f"default-{key}.json"
    if model.exists() and meta.exists():
        return model, json.loads(meta.read_text())["train_s"], True
    config = work / "config.default.yml"
    config.write_text(DEFAULT_CONFIG)
    train_s = train(config, CACHE, model.name[: -len(".tar.gz")])
    meta.write_text(json.dumps({"train_s": round(train_s, 1), "date": datetime.now(timezone.utc).isoformat()}))
    return model, train_s, False


def serving_only(model: Path) -> None:
    """`python -m bot.tools.benchmark serving [model]`: only the load test, for profiling and tuning."""
    print(json.dumps(measure_serving(model), indent=2))


def nlu_cpu_only(model: Path) -> None:
    """`python -m bot.tools.benchmark nlu [model]`: the NLU's CPU time per message (no servers), best of
    three passes over the development set, for tuning the pipeline's components."""
    from bot.tools import datasets
    from bot.tools.evaluate import Parser

    parser = Parser(model)
    texts = [row["text"] for row in datasets.get("nlu-en-dev-a").messages()]
    parser.parse(texts[:50])  # what the components prepare on first use
    passes = []
    for _ in range(3):
        started = time.process_time()
        parser.parse(texts)
        passes.append((time.process_time() - started) * 1000 / len(texts))
    print(json.dumps({"messages": len(texts), "nlu_cpu_ms_per_msg": round(min(passes), 2)}))


def main(argv: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    model = Path(args[1]) if len(args) > 1 else ROOT / "models" / "lumi.tar.gz"
    if args and args[0] == "serving":
        return serving_only(model)
    if args and args[0] == "nlu":
        return nlu_cpu_only(model)
    RESULTS.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lumi-bench-"))
    print("training Lumi's model (--force)…", flush=True)
    train_s = train(ROOT / "config.yml", work, "lumi")
    print("the default `rasa init` pipeline on the same data…", flush=True)
    default, train_default_s, cached = default_model(work)
    print("  reused from build/bench/ (same config, domain and data)" if cached else "  trained", flush=True)
    ours = work / "lumi.tar.gz"
    print("measuring Lumi's servers…", flush=True)
    serving = measure_serving(ours)
    scale_out = None
    if redis_reachable():
        print("measuring Lumi with 2 Rasa workers on Redis (scale-out configuration)…", flush=True)
        scale_out = measure_serving(ours, levels=(10, 50), workers=2)
    print("measuring the default model's servers (1 conversation)…", flush=True)
    serving_default = measure_serving(default, levels=(1,))
    print("hold-out accuracy and safety…", flush=True)
    from bot.tools.evaluate import Parser, evaluate_nlu, evaluate_safety, evaluate_topics_on_fresh_questions

    parser, parser_default = Parser(ours), Parser(default)  # each model loaded once
    acc, acc_default = (evaluate_nlu(p)["intent_accuracy"] for p in (parser, parser_default))
    safety = evaluate_safety(parser, "test")["system"]
    # the default has no safety layer: a disclosure counts as caught when DIET names a crisis intent
    safety_default = evaluate_safety(parser_default, "test")["system"]
    fresh_topics = evaluate_topics_on_fresh_questions(parser)["topic_accuracy"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result: Dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "startup_s": serving["startup_s"],
        "train_s": round(train_s, 1),
        **{str(level): serving["latency"][str(level)] for level in LEVELS},
        "errors": sum(serving["latency"][str(level)]["errors"] for level in LEVELS),
        "rasa_rss_mb": serving["rasa_rss_mb"],
        "actions_rss_mb": serving["actions_rss_mb"],
        "scale_out_2_workers": scale_out,
        "nlu_holdout_acc": acc,
        "nlu_holdout_acc_default": acc_default,
        "topic_acc_fresh_questions": fresh_topics,
        "crisis_recall": safety["crisis_recall"],
        "false_alarm_rate": safety["false_alarm_rate"],
        "default": {
            "train_s": round(train_default_s, 1),
            "train_reused": cached,
            "startup_s": serving_default["startup_s"],
            "p50_ms": serving_default["latency"]["1"]["p50_ms"],
            "p95_ms": serving_default["latency"]["1"]["p95_ms"],
            "rasa_rss_mb": serving_default["rasa_rss_mb"],
            "crisis_recall": safety_default["crisis_recall"],
            "false_alarm_rate": safety_default["false_alarm_rate"],
        },
    }
    result["ratios"] = {
        "holdout_acc_vs_default": round(acc / acc_default, 3) if acc_default else None,
        "p50_latency_vs_default": round(result["1"]["p50_ms"] / result["default"]["p50_ms"], 3),
        "startup_vs_default": round(result["startup_s"] / result["default"]["startup_s"], 3),
        "rss_vs_default": round(result["rasa_rss_mb"] / result["default"]["rasa_rss_mb"], 3),
    }
    (RESULTS / "bench.json").write_text(json.dumps(result, indent=2))
    DOC.write_text(markdown(result))
    print(markdown(result))


def scale_out_lines(scale_out: Optional[Dict[str, Any]]) -> List[str]:
    if not scale_out:
        return ["Scale-out configuration not measured: no Redis on 127.0.0.1:6379.", ""]
    latency = scale_out["latency"]
    return [
        "The README's scale-out configuration on the same machine: 2 Rasa workers (`SANIC_WORKERS=2`) on the "
        f"Redis tracker and lock stores, {scale_out['rasa_rss_mb']} MB resident for Rasa (all workers):",
        "",
        "| concurrency | p50 ms | p95 ms | p99 ms | msg/s | errors |",
        "|---|---|---|---|---|---|",
        *[
            f"| {level} | {v['p50_ms']} | {v['p95_ms']} | {v['p99_ms']} | {v['throughput_msg_s']} | {v['errors']} |"
            for level, v in latency.items()
        ],
        "",
        "Where the time goes, and why each serving patch exists: docs/decisions/.",
        "",
    ]


def _row(*cells: Any) -> str:
    return "|" + "|".join(f" {c} " if str(c) else " " for c in cells) + "|"


def markdown(r: Dict[str, Any]) -> str:
    default, ratios = r["default"], r["ratios"]
    reused = " (trained earlier from the same inputs and reused; that run may have shared the machine)"
    targets = [
        ("start-up to first reply", f"{r['startup_s']} s", "< 30 s", r["startup_s"] < 30),
        ("training", f"{r['train_s']} s", "< 300 s", r["train_s"] < 300),
        ("p95 at 10 conversations", f"{r['10']['p95_ms']} ms", "< 150 ms", r["10"]["p95_ms"] < 150),
        (
            "throughput at 50 conversations",
            f"{r['50']['throughput_msg_s']} msg/s",
            ">= 50",
            r["50"]["throughput_msg_s"] >= 50,
        ),
        ("errors", str(r["errors"]), "0", r["errors"] == 0),
        ("Rasa server memory", f"{r['rasa_rss_mb']} MB", "< 800 MB", r["rasa_rss_mb"] < 800),
        ("action server memory", f"{r['actions_rss_mb']} MB", "< 150 MB", r["actions_rss_mb"] < 150),
        (
            "hold-out intent accuracy",
            f"{r['nlu_holdout_acc']}",
            ">= 0.90 and > default",
            r["nlu_holdout_acc"] >= 0.9 and r["nlu_holdout_acc"] > r["nlu_holdout_acc_default"],
        ),
        (
            "crisis recall, locked safety test set",
            f"{r['crisis_recall']}",
            "1.0 on a fresh set",
            r["crisis_recall"] == 1.0,
        ),
    ]
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {r['machine']}. Date: {r['date']}. Commit: `{r['commit']}`.",
        "Command: `make bench` (runs `python -m bot.tools.benchmark`; writes `results/bench.json` and this file).",
        "",
        "| measure | Lumi | target | met |",
        "|---|---|---|---|",
        *[f"| {name} | {value} | {target} | {'yes' if ok else '**no**'} |" for name, value, target, ok in targets],
        "",
        "| concurrency | p50 ms | p95 ms | p99 ms | msg/s | errors |",
        "|---|---|---|---|---|---|",
        *[
            f"| {level} | {r[str(level)]['p50_ms']} | {r[str(level)]['p95_ms']} | {r[str(level)]['p99_ms']} | "
            f"{r[str(level)]['throughput_msg_s']} | {r[str(level)]['errors']} |"
            for level in LEVELS
        ],
        "",
        *scale_out_lines(r.get("scale_out_2_workers")),
        "Against the default `rasa init` pipeline and policies, trained on the same data:",
        "",
        "| | Lumi | default | ratio |",
        "|---|---|---|---|",
        _row(
            "hold-out intent accuracy",
            r["nlu_holdout_acc"],
            r["nlu_holdout_acc_default"],
            ratios["holdout_acc_vs_default"],
        ),
        _row("crisis recall, test split", r["crisis_recall"], default.get("crisis_recall"), ""),
        _row("false alarms, test split", r["false_alarm_rate"], default.get("false_alarm_rate"), ""),
        _row(
            "p50 latency, 1 conversation",
            f"{r['1']['p50_ms']} ms",
            f"{default['p50_ms']} ms",
            ratios["p50_latency_vs_default"],
        ),
        _row("topic accuracy, fresh questions by other authors", r.get("topic_acc_fresh_questions"), "", ""),
        _row("start-up", f"{r['startup_s']} s", f"{default['startup_s']} s", ratios["startup_vs_default"]),
        _row("Rasa server memory", f"{r['rasa_rss_mb']} MB", f"{default['rasa_rss_mb']} MB", ratios["rss_vs_default"]),
        _row(
            "training",
            f"{r['train_s']} s",
            f"{default['train_s']} s" + (reused if default.get("train_reused") else ""),
            "",
        ),
        "",
        f"Crisis recall {r['crisis_recall']} and false-alarm rate {r['false_alarm_rate']} are measured on the locked "
        "safety test set of `evaluation/splits.yml`, written independently of the training data; "
        "`docs/evaluation.md` gives its first measurement.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
