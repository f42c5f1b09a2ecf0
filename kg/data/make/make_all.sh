#!/bin/sh
# Regenerate the general-knowledge lexicons from local copies of the sources (see kg/data/README.md
# "Regenerating"). Usage: sh make_all.sh RAW_DIR KG_DATA_DIR OUT_DIR
#   RAW_DIR holds: ckg/ (ChainKnowledgeGraph data/*.json), adata_code.csv, gdvzz/ (logd docs/jobs/*.md),
#   yangqi.md, yuanxiao.md, zhongyang.md (Laosheng.top fuwu/), jieba_dict.txt
set -eu
RAW=$1; KG=$2; OUT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
python3 make_universities.py --yuanxiao "$RAW/yuanxiao.md" --zhongyang "$RAW/zhongyang.md" \
    --attestations raw/univ_abbrev_attestations.tsv --jieba "$RAW/jieba_dict.txt" --kg-data "$KG" --out "$OUT/universities.tsv"
python3 make_institutes.py --cas raw/cas_units.tsv --jieba "$RAW/jieba_dict.txt" --kg-data "$KG" \
    --universities "$OUT/universities.tsv" --out "$OUT/institutes.tsv"
python3 make_enterprises.py --ckg "$RAW/ckg" --adata "$RAW/adata_code.csv" --gdvzz "$RAW/gdvzz" \
    --yangqi "$RAW/yangqi.md" --jieba "$RAW/jieba_dict.txt" --kg-data "$KG" \
    --universities "$OUT/universities.tsv" --institutes "$OUT/institutes.tsv" \
    --out "$OUT/enterprises.tsv" --report "$HERE/enterprises_dropped_aliases.tsv"
python3 make_ambiguous.py --enterprises "$OUT/enterprises.tsv" --universities "$OUT/universities.tsv" \
    --institutes "$OUT/institutes.tsv" --jieba "$RAW/jieba_dict.txt" --kg-data "$KG" \
    --out "$OUT/ambiguous_names.tsv"
