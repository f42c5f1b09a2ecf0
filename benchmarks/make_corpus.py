"""Make a synthetic corpus of N MB from the seeds' sentences, for benchmarks.

Repeating the seeds would flatter every cache (the same names, the same sentences), so each
document is a fresh recombination of seed body sentences in which the names of enterprises,
zones, officials and projects are replaced by names drawn from large generated pools. The pools
grow with the target size, so the graph grows like a real corpus's (more documents, more
distinct entities, with a skew: a few names recur often, most are rare). One document in ten is
written in traditional script and one in twenty in GB18030, as scraped corpora are.

    .venv/bin/python benchmarks/make_corpus.py --mb 10 -o /tmp/corpus10 [--seed 1]

Deterministic for a given --mb and --seed. Prints documents, bytes and pool sizes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLOT_LABELS = ("Enterprise", "Zone", "Official", "Project")
# generated name material (invented combinations: no real company is meant)
PLACE_CHARS = "安平阳江河山宁兴华泰临嘉昌武威定庆丰盛通远康德清源明新永长东西南北中云金玉龙凤"
BRAND_CHARS = "科瑞恒泰博创华鑫合力达信通宏远盛嘉联中海天正佳睿思源隆鼎汇晟卓越辰宇昊曜晶"
INDUSTRY_WORDS = ["新材料", "生物医药", "新能源", "智能装备", "精细化工", "电子信息", "数据科技", "氢能",
                  "光伏", "储能", "制药", "精密机械", "环保科技", "物流", "食品"]
COMPANY_SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司", "集团有限公司", "有限责任公司"]
ZONE_SUFFIXES = ["新区", "高新区", "经济技术开发区", "高新技术产业开发区", "综合保税区"]
PROJECT_HEADS = ["产业园项目", "基地项目", "二期项目", "产业园", "示范基地", "中心项目"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏辉建国志新荣海波宁晓亮林峰琳欣怡晨阳俊雪梅立文"
TITLES = ["{Z}加快形成新质生产力", "在{Z}工作会议上的讲话", "{Z}推动产业高质量发展", "{Z}:向新而行 以质图强",
          "{Z}重点项目建设综述", "{Z}培育发展新动能"]
SOURCES = ["日报", "晚报", "新闻网", "融媒体中心", "发布"]


def templates(seeds: Path) -> list[list]:
    """Seed body sentences as templates: literal text with (label, shape) slots where a name was."""
    from kg.extract.context import Context
    from kg.extract.registry import extract
    from kg.ingest.reader import read_document
    from kg.build.document import resources

    lex, gaz, aff = resources()
    out = []
    for path in sorted(seeds.glob("*.txt")):
        doc = read_document(path)
        spans = [s for s in extract(Context(doc, lex, gaz, aff))
                 if s.type in SLOT_LABELS and s.rule != "ref.focus"]
        spans.sort(key=lambda s: (s.start, -s.end))
        outer, last = [], -1
        for s in spans:
            if s.start >= last:
                outer.append(s)
                last = s.end
        for sent in doc.sentences:
            parts, pos = [], sent.start
            for s in outer:
                if s.start >= sent.start and s.end <= sent.end:
                    parts.append(doc.text[pos:s.start])
                    parts.append((s.type, _shape(s.type, s.text)))
                    pos = s.end
            parts.append(doc.text[pos:sent.end])
            if len(sent.text.strip()) >= 4:
                out.append(parts)
    return out


def _shape(label: str, text: str) -> str:
    """Which kind of name fits the slot: a full company name or a short brand, a project with 项目 or not."""
    if label == "Enterprise":
        return "full" if text.endswith(("公司", "集团", "厂")) else "short"
    if label == "Project":
        return "full" if text.endswith("项目") else "short"
    return ""


class Pools:
    """Generated names per type; sizes grow with the corpus. Draws are skewed (Zipf-like)."""

    def __init__(self, rng: random.Random, mb: float):
        self.rng = rng
        self.size = {"Zone": int(40 + 4 * mb), "Enterprise": int(300 + 150 * mb),
                     "Official": int(200 + 60 * mb), "Project": int(150 + 80 * mb)}
        self.places = self._unique(lambda: "".join(rng.sample(PLACE_CHARS, 2)), max(200, self.size["Zone"]))
        self.zones = self._unique(lambda: rng.choice(self.places) + rng.choice(ZONE_SUFFIXES), self.size["Zone"])
        self.brands = self._unique(lambda: "".join(rng.sample(BRAND_CHARS, rng.choice((2, 2, 3)))),
                                   self.size["Enterprise"])
        self.companies = [(b, f"{rng.choice(self.places)}{b}{rng.choice(INDUSTRY_WORDS)}{rng.choice(COMPANY_SUFFIXES)}")
                          for b in self.brands]
        self.people = self._unique(lambda: rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))),
                                   self.size["Official"])
        self.projects = self._unique(lambda: rng.choice(self.brands) + rng.choice(INDUSTRY_WORDS) + rng.choice(PROJECT_HEADS),
                                     self.size["Project"])

    def _unique(self, make, n: int) -> list[str]:
        seen: dict[str, None] = {}
        tries = 0
        while len(seen) < n and tries < n * 50:
            seen.setdefault(make(), None)
            tries += 1
        return list(seen)

    def pick(self, items: list):
        return items[int(len(items) * self.rng.random() ** 2.5)]


def make_document(rng: random.Random, pools: Pools, temps: list[list]) -> str:
    focal = pools.pick(pools.zones)
    names: dict = {}   # one name per slot shape within a document, reused for repeats

    def fill(label: str, shape: str) -> str:
        if label == "Zone":
            return focal if rng.random() < 0.6 else pools.pick(pools.zones)
        if label == "Official":
            return pools.pick(pools.people)
        if label == "Project":
            p = pools.pick(pools.projects)
            return p if shape == "full" else p.removesuffix("项目")
        brand, full = pools.pick(pools.companies)
        return full if shape == "full" else brand

    date = f"20{rng.randint(14, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lines = [rng.choice(TITLES).format(Z=focal),
             f"发布时间:{date} 来源:{focal[:2]}{rng.choice(SOURCES)}",
             f"记者 {pools.pick(pools.people)}"]
    n = rng.randint(20, 120)
    para: list[str] = []
    for _ in range(n):
        out = []
        for part in rng.choice(temps):
            if isinstance(part, tuple):
                key = (part, rng.random() < 0.5)
                if key not in names or rng.random() < 0.5:
                    names[key] = fill(*part)
                out.append(names[key])
            else:
                out.append(part)
        para.append("".join(out).replace("\n", ""))
        if len(para) >= rng.randint(2, 6):
            lines.append("".join(para))
            para = []
    if para:
        lines.append("".join(para))
    return "\n".join(lines) + "\n"


def make_corpus(out: Path, mb: float, seed: int = 1, seeds: Path = ROOT / "seeds") -> dict:
    """Write about `mb` MB of documents under `out` (subfolders of 1,000 files); return a summary."""
    import opencc

    rng = random.Random(seed)
    temps = templates(seeds)
    pools = Pools(rng, mb)
    s2t = opencc.OpenCC("s2t")
    target = int(mb * 2**20)
    total = docs = 0
    out.mkdir(parents=True, exist_ok=True)
    while total < target:
        text = make_document(rng, pools, temps)
        r = rng.random()
        if r < 0.1:
            data = s2t.convert(text).encode("utf-8")
        elif r < 0.15:
            data = text.encode("gb18030")
        else:
            data = text.encode("utf-8")
        folder = out / f"{docs // 1000:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{docs:07d}.txt").write_bytes(data)
        total += len(data)
        docs += 1
    summary = {"documents": docs, "bytes": total, "mb": round(total / 2**20, 2), "seed": seed,
               "templates": len(temps), "pools": {k: len(v) for k, v in
                                                  (("Zone", pools.zones), ("Enterprise", pools.companies),
                                                   ("Official", pools.people), ("Project", pools.projects))}}
    (out / "corpus.json").write_text(json.dumps(summary), encoding="utf-8")
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, required=True, help="target size in MB (2**20 bytes)")
    ap.add_argument("-o", "--output", type=Path, required=True, help="folder to write the documents into")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.output.exists() and any(args.output.iterdir()):
        print(f"error: {args.output} is not empty", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    summary = make_corpus(args.output, args.mb, args.seed)
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
