"""Make a synthetic corpus of N MB from the sentences of the seeds and of the development texts,
for benchmarks.

How it is made (the recipe `RECIPE`; the same --mb, --seed and source texts give the same bytes):
- Sources: the seed articles (`seeds/*.txt`) and the development texts (`../shared/dev/texts`,
  real articles from other zones, portals and provinces, a third of them in traditional script
  and some with the pinyin glosses and page furniture of mirror sites), each with its gold
  annotation (`gold/*.json`). Source texts are converted to simplified script (OpenCC t2s).
- Templates: each source line is cut into sentences; the names the gold annotation gives for
  enterprises, zones, officials and projects (names and aliases of three or more characters) are
  found in it, longest first, and become slots. Lines with sentence punctuation give body
  templates; short lines without (titles, datelines, bylines, navigation) give head templates.
  Nothing of kg's own extraction is used, so the corpus does not change when the rules do.
- Documents: a generated title, date/source line and byline, one or two head templates, then
  20-120 body sentences in paragraphs of 2-6, each drawn from the seeds or the development texts
  with equal odds. Slots are filled with names drawn from large generated pools; the pools grow
  with the target size, so the graph grows like a real corpus's (more documents, more distinct
  entities, with a skew: a few names recur often, most are rare).
- One document in ten is written in traditional script (OpenCC s2t) and one in twenty in
  GB18030, as scraped corpora are.

    .venv/bin/python benchmarks/make_corpus.py --mb 10 -o /tmp/corpus10 [--seed 1] [--dev DIR]

Prints documents, bytes, template counts and pool sizes; `corpus.json` in the folder says the
same and the sha256 of the sources (`source_digest`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "dev"   # ../shared/dev next to the repository
RECIPE = 2   # 1: seed sentences with slots found by kg's extractors (before issue 15)
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
_SENTENCE = re.compile(r"[^。!?;\uff01\uff1f\uff1b]+(?:[。!?;\uff01\uff1f\uff1b]+[”’」』\"]?)?")
_ENDS = tuple("。!?\uff01\uff1f”」』")
_BODY_LINE = re.compile(r"[。!?\uff01\uff1f]")


def sources(seeds: Path = ROOT / "seeds", dev: Path = DEV) -> list[tuple[str, Path, Path]]:
    """(group, text, gold) for every seed and development text, sorted; SystemExit if the
    development set is missing."""
    out = [("seeds", t, seeds / "gold" / f"{t.stem}.json") for t in sorted(seeds.glob("*.txt"))]
    dev_texts = sorted((dev / "texts").glob("*.txt"))
    if not dev_texts:
        raise SystemExit(f"make_corpus: no development texts in {dev / 'texts'} (pass --dev DIR)")
    out += [("dev", t, dev / "gold" / f"{t.stem}.json") for t in dev_texts]
    missing = [str(g) for _, _, g in out if not g.is_file()]
    if missing:
        raise SystemExit(f"make_corpus: no gold annotation {missing[0]}")
    return out


def source_digest(seeds: Path = ROOT / "seeds", dev: Path = DEV) -> str:
    """sha256 over the recipe and every source text and gold file: what the corpus depends on."""
    h = hashlib.sha256(f"recipe {RECIPE}\n".encode())
    for group, text, gold in sources(seeds, dev):
        for f in (text, gold):
            h.update(f"{group}/{f.name}\n".encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _slot_names(gold: Path) -> dict[str, str]:
    """surface -> type of the gold names that become slots: names of 2+ characters, aliases of 3+
    (not a short reference that ends the name, like 高新区 of 扬中高新区)."""
    names: dict[str, str] = {}
    for ent in json.loads(gold.read_text(encoding="utf-8"))["entities"]:
        if ent["type"] not in SLOT_LABELS:
            continue
        if len(ent["name"]) >= 2:
            names.setdefault(ent["name"], ent["type"])
        for form in ent.get("aliases") or []:
            if len(form) >= 3 and not (len(form) <= 3 and ent["name"].endswith(form)):
                names.setdefault(form, ent["type"])
    return names


def templates(seeds: Path = ROOT / "seeds", dev: Path = DEV) -> dict[tuple[str, str], list[list]]:
    """(group, "body" | "head") -> templates: literal text with (label, shape) slots where a
    gold name was."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    out: dict[tuple[str, str], list[list]] = {}
    for group, path, gold in sources(seeds, dev):
        lines = t2s.convert(path.read_bytes().decode("utf-8", "replace")).strip().splitlines()
        if lines and not lines[-1].rstrip().endswith(_ENDS):   # cut off mid-sentence (a page excerpt):
            last = lines.pop()                                   # keep its complete sentences
            lines.append(last[:max(last.rfind(c) for c in _ENDS) + 1])
        names = _slot_names(gold)
        rx = re.compile("|".join(map(re.escape, sorted(names, key=lambda n: (-len(n), n)))) or "(?!)")
        for line in lines:
            line = line.strip()
            kind = "body" if _BODY_LINE.search(line) else "head"
            for sent in (_SENTENCE.findall(line) if kind == "body" else [line]):
                if len(sent.strip()) < 4:
                    continue
                parts, pos = [], 0
                for m in rx.finditer(sent):
                    parts += [sent[pos:m.start()], (names[m.group()], _shape(names[m.group()], m.group()))]
                    pos = m.end()
                parts.append(sent[pos:])
                out.setdefault((group, kind), []).append(parts)
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


def make_document(rng: random.Random, pools: Pools, temps: dict) -> str:
    """One document: generated title, date/source line and byline, one or two head templates,
    then 20-120 body templates in paragraphs, each from the seeds or the development texts."""
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

    def render(kind: str) -> str:
        out = []
        for part in rng.choice(temps[(rng.choice(GROUPS), kind)]):
            if isinstance(part, tuple):
                key = (part, rng.random() < 0.5)
                if key not in names or rng.random() < 0.5:
                    names[key] = fill(*part)
                out.append(names[key])
            else:
                out.append(part)
        return "".join(out).replace("\n", "")

    date = f"20{rng.randint(14, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    lines = [rng.choice(TITLES).format(Z=focal),
             f"发布时间:{date} 来源:{focal[:2]}{rng.choice(SOURCES)}",
             f"记者 {pools.pick(pools.people)}"]
    lines += [render("head") for _ in range(rng.randint(1, 2))]
    n = rng.randint(20, 120)
    para: list[str] = []
    for _ in range(n):
        para.append(render("body"))
        if len(para) >= rng.randint(2, 6):
            lines.append("".join(para))
            para = []
    if para:
        lines.append("".join(para))
    return "\n".join(lines) + "\n"


GROUPS = ("seeds", "dev")


def make_corpus(out: Path, mb: float, seed: int = 1, seeds: Path = ROOT / "seeds", dev: Path = DEV) -> dict:
    """Write about `mb` MB of documents under `out` (subfolders of 1,000 files); return a summary."""
    import opencc

    rng = random.Random(seed)
    temps = templates(seeds, dev)
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
    summary = {"documents": docs, "bytes": total, "mb": round(total / 2**20, 2), "seed": seed, "recipe": RECIPE,
               "sources": source_digest(seeds, dev),
               "templates": {f"{g}.{k}": len(v) for (g, k), v in sorted(temps.items())},
               "pools": {k: len(v) for k, v in (("Zone", pools.zones), ("Enterprise", pools.companies),
                                                 ("Official", pools.people), ("Project", pools.projects))}}
    (out / "corpus.json").write_text(json.dumps(summary), encoding="utf-8")
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, required=True, help="target size in MB (2**20 bytes)")
    ap.add_argument("-o", "--output", type=Path, required=True, help="folder to write the documents into")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dev", type=Path, default=DEV, help=f"the development set (texts/, gold/; default {DEV})")
    args = ap.parse_args(argv)
    if args.output.exists() and any(args.output.iterdir()):
        print(f"error: {args.output} is not empty", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    summary = make_corpus(args.output, args.mb, args.seed, dev=args.dev)
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
