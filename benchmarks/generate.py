"""A deterministic synthetic archive of N press releases, for the benchmark and the tests.

    python -m benchmarks.generate --releases 10000 --out /tmp/archive/press_releases
    python -m benchmarks.generate --releases 10000 --languages en,ko,ar --translated 0.3 --out ...

The same N always gives the same files, byte for byte. With ``--languages``, a share of the
releases (``--translated``, drawn apart from everything else) also has a version in each other
language, written in that language's words, with the same date and terms and linked by
``translations``; the releases of the first language are the same files as without it but for
those links.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

# Regions with their countries: about 100 terms in all with the topics and organizations.
GEOGRAPHY = {
    "Asia": [
        "North Korea",
        "South Korea",
        "China",
        "Japan",
        "Myanmar",
        "Cambodia",
        "Vietnam",
        "Thailand",
        "Indonesia",
        "Philippines",
        "Malaysia",
        "Nepal",
        "Sri Lanka",
    ],
    "Africa": [
        "Nigeria",
        "Kenya",
        "Ethiopia",
        "Sudan",
        "South Sudan",
        "Uganda",
        "Cameroon",
        "Democratic Republic of Congo",
        "Zimbabwe",
        "Côte d'Ivoire",
        "Mali",
    ],
    "Europe and Central Asia": [
        "Russia",
        "Ukraine",
        "Belarus",
        "Turkey",
        "Hungary",
        "Poland",
        "Kazakhstan",
        "Uzbekistan",
        "Azerbaijan",
        "Georgia",
    ],
    "Middle East and North Africa": [
        "Egypt",
        "Syria",
        "Iraq",
        "Iran",
        "Saudi Arabia",
        "Yemen",
        "Lebanon",
        "Libya",
        "Tunisia",
        "Morocco",
    ],
    "Americas": [
        "United States",
        "Mexico",
        "Brazil",
        "Colombia",
        "Venezuela",
        "Nicaragua",
        "Guatemala",
        "Honduras",
        "Cuba",
        "Haiti",
    ],
}
TOPICS = [
    "Accountability",
    "Arbitrary Detention",
    "Children's Rights",
    "Crimes Against Humanity",
    "Death Penalty",
    "Disability Rights",
    "Environment",
    "Free Speech",
    "Health",
    "Justice",
    "LGBT Rights",
    "Refugees and Migrants",
    "Torture",
    "Women's Rights",
    "Technology and Rights",
    "Armed Conflict",
    "Elections",
    "Labor Rights",
    "Land Rights",
    "Press Freedom",
    "Religious Freedom",
    "Counterterrorism",
    "Police Abuse",
    "Prisons",
]
ORGANIZATIONS = [
    "ICNK",
    "Human Rights Watch",
    "CSW",
    "Amnesty International",
    "FIDH",
    "CIVICUS",
    "Article 19",
    "Front Line Defenders",
    "ISHR",
    "Asian Forum for Human Rights and Development",
    "Committee to Protect Journalists",
    "Reporters Without Borders",
    "Freedom House",
    "International Commission of Jurists",
    "Physicians for Human Rights",
]
WORDS = (
    "government authorities rights groups coalition letter urged release detained activists "
    "journalists lawyers families victims abuses justice accountability investigation report "
    "evidence witnesses testimony security forces police military courts trial sentence "
    "prison detention torture ill-treatment protest assembly expression association election "
    "council resolution commission inquiry independent international community pressure "
    "sanctions dialogue reform law legislation decree emergency measures restrictions access "
    "humanitarian aid refugees displaced camps border deportation asylum children women "
    "minorities workers land water health schools hospitals attacks civilians conflict ceasefire"
).split()
PEOPLE = [
    ("Eun-Kyoung Kwon", "secretary general"),
    ("Phil Robertson", "deputy Asia director"),
    ("Benedict Rogers", "East Asia team leader"),
    ("Maria Santos", "Americas researcher"),
    ("Amina Yusuf", "Africa director"),
    ("Olga Petrova", "Europe researcher"),
    ("Karim Haddad", "Middle East director"),
    ("Ji-won Park", "advocacy officer"),
]
IMAGES = 8


class ZipfVocabulary:
    """Words that follow Zipf's law over a vocabulary of ``size``, as real text does: the ``common``
    words most often, then tens of thousands of made-up ones (of ``onsets``, ``vowels`` and
    ``codas``) ever more rarely."""

    def __init__(
        self,
        common: list[str],
        onsets: list[str],
        vowels: list[str],
        codas: list[str],
        size: int = 40_000,
        exponent: float = 1.05,
    ):
        made = random.Random(size)  # the vocabulary depends on its size only
        vocabulary = dict.fromkeys(common)
        while len(vocabulary) < size:
            syllables = made.choices(onsets, k=made.randint(1, 4))
            vocabulary.setdefault("".join(o + made.choice(vowels) for o in syllables) + made.choice(codas))
        self.vocabulary = list(vocabulary)
        weights = [1 / (rank + 2.7) ** exponent for rank in range(size)]  # Zipf-Mandelbrot
        self.cumulative = list(itertools.accumulate(weights))

    def words(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)


class ZipfText(random.Random):
    """A random source whose English words follow Zipf's law (``--vocabulary zipf``): the few words
    of WORDS most often, then tens of thousands of made-up ones ever more rarely. The default
    archive draws from WORDS alone, evenly: 77 words, which makes a search index look far smaller
    than on real text."""

    def __init__(self, seed: int, size: int = 40_000, exponent: float = 1.05):
        super().__init__(seed)
        self.vocabulary = ZipfVocabulary(WORDS, ONSETS, VOWELS, CODAS, size, exponent)

    def words(self, count: int) -> list[str]:
        return self.vocabulary.words(self, count)


ONSETS = "b c d f g h j k l m n p r s t v w z br ch cl dr fl gr pl pr sh st th tr".split()
VOWELS = "a e i o u ai ea io ou".split()
CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "tion", "ment", "ity"]


def sentence(rng: random.Random, words: int) -> str:
    if isinstance(rng, ZipfText):
        text = " ".join(rng.words(words))
    else:
        text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: int) -> str:
    out, left = [], words
    while left > 0:
        n = min(left, rng.randint(12, 24))
        out.append(sentence(rng, n))
        left -= n
    return " ".join(out)


def release(
    rng: random.Random,
    index: int,
    when: datetime,
    versions: dict[str, str] | None = None,
    photo: str | None = None,
) -> tuple[str, str, list[str]]:
    """A file name, its text, and the YAML lines of its terms (for its versions in other languages);
    ``photo``: the release's own photo (else every third release has one of IMAGES shared ones)."""
    region = rng.choice(list(GEOGRAPHY))
    countries = rng.sample(GEOGRAPHY[region], rng.randint(1, 2))
    topics = rng.sample(TOPICS, rng.randint(1, 3))
    organizations = rng.sample(ORGANIZATIONS, rng.randint(0, 2))
    subject = countries[0]
    title = f"{subject}: {sentence(rng, rng.randint(4, 9))[:-1].title()} ({index})"
    slug = f"release-{index:06d}"
    name = f"{when:%Y-%m-%d}-{slug}.md"
    person, role = rng.choice(PEOPLE)
    organization = organizations[0] if organizations else "Human Rights Watch"
    lines = [
        "---",
        f'title: "{title}"',
        f'summary: "{sentence(rng, 30)}"',
        f"date: {when.isoformat()}",
        f"dateline: {rng.choice(['Seoul', 'Geneva', 'New York', 'Nairobi', 'Beirut', 'Bangkok', 'Mexico City'])}",
    ]
    terms = [f"regions: {region}", "countries:", *[f'  - "{c}"' for c in countries]]
    terms += ["topics:", *[f'  - "{t}"' for t in topics]]
    if organizations:
        terms += ["organizations:", *[f'  - "{o}"' for o in organizations]]
    lines += terms
    if photo is not None or index % 3 == 0:
        lines += [
            "image:",
            f"  src: {photo or f'images/photo-{index % IMAGES}.png'}",
            f'  alt: "{sentence(rng, 10)}"',
            f'  caption: "{sentence(rng, 20)}"',
            f'  credit: "© {when.year} Newsroom Photo Desk"',
        ]
    if versions:
        lines += ["translations:", *[f"  {language}: {file}" for language, file in versions.items()]]
    lines.append("---")
    body = [f"({lines[4].split(': ')[1]}) – {paragraph(rng, 60)}", ""]
    for _ in range(2):
        body += [paragraph(rng, 110), ""]
        body += [f"“{sentence(rng, 25)}” said {person}, {role} at {organization}. “{sentence(rng, 18)}”", ""]
        body += [f"## {sentence(rng, 5)[:-1].title()}", ""]
    body += [paragraph(rng, 100), "", f"- {sentence(rng, 12)}", f"- {sentence(rng, 12)}", "", paragraph(rng, 80), ""]
    return name, "\n".join(lines) + "\n\n" + "\n".join(body), terms


#: Words of the other languages a benchmark can publish in, as the English ones above.
ARABIC = (
    "الحكومة السلطات منظمات حقوق الإنسان التحالف رسالة طالبت الإفراج المعتقلين الناشطين الصحفيين "
    "المحامين العائلات الضحايا الانتهاكات العدالة المساءلة التحقيق تقرير الأدلة الشهود الشهادة "
    "قوات الأمن الشرطة الجيش المحاكم المحاكمة الحكم السجن الاحتجاز التعذيب الاحتجاج التجمع التعبير "
    "الانتخابات المجلس القرار اللجنة المستقلة الدولي المجتمع الضغط العقوبات الحوار الإصلاح القانون "
    "الطوارئ القيود الوصول الإنسانية المساعدات اللاجئين النازحين المخيمات الحدود الأطفال النساء "
    "الأقليات العمال الأرض المياه الصحة المدارس المستشفيات الهجمات المدنيين النزاع"
).split()
DATELINES = {"ko": "서울", "ar": "سول"}


@functools.cache
def arabic_zipf() -> ZipfVocabulary:
    """Arabic words as real text has them (``--vocabulary zipf``): ARABIC most often, then made-up
    words of Arabic letters, some with the article, ever more rarely."""
    letters = list("بتثجحخدذرزسشصضطظعغفقكلمنهوي")
    vowels = ["", "\u0627", "\u0648", "\u064a"]  # none, alef, waw, yeh
    codas = ["", "", "ة", "\u0627\u062a", "\u064a\u0646"]  # none, teh marbuta, -at, -in
    return ZipfVocabulary(ARABIC, ["\u0627\u0644" + c for c in letters[:8]] + letters, vowels, codas)


def translation(
    rng: random.Random, index: int, when: datetime, language: str, front: list[str], vocabulary: str = "small"
) -> tuple[str, str]:
    """Release ``index`` in ``language`` (Korean, Arabic or any other, in Arabic words): its own
    words, the English version's date and terms (``front``: its YAML lines of the four taxonomies).
    Korean words are always drawn as real text has them (``benchmarks.korean_search``); Arabic
    ones with ``vocabulary`` "zipf" (``arabic_zipf``), else evenly from ARABIC."""
    if language == "ko":
        from benchmarks.korean_search import sentence as korean_sentence

        def sentence_of(words: int) -> str:
            return korean_sentence(rng)
    elif vocabulary == "zipf":

        def sentence_of(words: int) -> str:
            return " ".join(arabic_zipf().words(rng, words)) + "."
    else:

        def sentence_of(words: int) -> str:
            return " ".join(rng.choice(ARABIC) for _ in range(words)) + "."

    def paragraph_of(words: int) -> str:
        out, left = [], words
        while left > 0:
            out.append(sentence_of(min(left, rng.randint(12, 24))))
            left -= len(out[-1].split())
        return " ".join(out)

    lines = [
        "---",
        f'title: "{sentence_of(6)[:-1]} ({index})"',
        f'summary: "{sentence_of(24)}"',
        f"date: {when.isoformat()}",
        f"dateline: {DATELINES.get(language, 'Seoul')}",
        f"language: {language}",
        *front,
        "---",
    ]
    body = [f"({DATELINES.get(language, 'Seoul')}) – {paragraph_of(60)}", ""]
    for _ in range(4):
        body += [paragraph_of(130), ""]
    return translation_name(when, index, language), "\n".join(lines) + "\n\n" + "\n".join(body)


def own_photo(index: int, when: datetime) -> bytes:
    """A small JPEG of its own for release ``index``, with the EXIF a camera writes (its make and
    model, when it was taken; nothing that identifies it or its owner): every build reads it."""
    import io

    from PIL import Image

    image = Image.linear_gradient("L").resize((320, 180)).convert("RGB")
    tint = Image.new("RGB", image.size, ((index * 37) % 256, (index * 91) % 256, (index * 53) % 256))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Newsroom", "Benchmark Camera"  # Make, Model
    exif[0x0132] = f"{when:%Y:%m:%d %H:%M:%S}"  # DateTime
    out = io.BytesIO()
    Image.blend(image, tint, 0.5).save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def translation_name(when: datetime, index: int, language: str) -> str:
    return f"{when:%Y-%m-%d}-release-{index:06d}-{language}.md"


def generate(
    out: Path,
    count: int,
    seed: int = 2020,
    languages: tuple[str, ...] = ("en",),
    translated: float = 0.0,
    vocabulary: str = "small",
    photos: str = "shared",
) -> None:
    """Write ``count`` releases into ``out`` (a releases folder), one every ~13 hours back from 2026,
    and the versions in ``languages`` after the first of a share ``translated`` of them; their
    English words from WORDS (``vocabulary`` "small") or as real text has them ("zipf", ZipfText).
    ``photos`` "shared": every third release has one of IMAGES photos; "own": every release has
    its own (``own_photo``), as in a news archive."""
    from scripts.make_placeholder import png  # the sample photo's maker, reused for synthetic photos

    rng = ZipfText(seed) if vocabulary == "zipf" else random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "images").mkdir(exist_ok=True)
    for i in range(IMAGES):
        colour = (30 + i * 20, 60, 120 - i * 10)
        (out / "images" / f"photo-{i}.png").write_bytes(png(320, 180, lambda x, y, colour=colour: colour))
    start = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=9)))  # with its offset: no clock change
    others = languages[1:]
    chance = random.Random(seed + 1)  # apart: the first language's releases stay the same
    for index in range(count):
        when = start - timedelta(hours=13 * index + rng.randint(0, 6))
        versions = {}
        if others and chance.random() < translated:
            versions = {language: translation_name(when, index, language) for language in others}
        photo = None
        if photos == "own":
            photo = f"images/{when:%Y}/photo-{index:06d}.jpg"
            (out / photo).parent.mkdir(exist_ok=True)
            (out / photo).write_bytes(own_photo(index, when))
        name, text, terms = release(rng, index, when, versions, photo)
        (out / name).write_text(text, encoding="utf-8")
        if versions:
            for language in others:
                file, version = translation(chance, index, when, language, terms, vocabulary)
                (out / file).write_text(version, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--languages", default="en", help="the editions, the first the releases' own: en,ko,ar")
    parser.add_argument("--translated", type=float, default=0.0, help="share of releases also in each other language")
    parser.add_argument("--vocabulary", choices=["small", "zipf"], default="small", help="English words: see ZipfText")
    parser.add_argument("--photos", choices=["shared", "own"], default="shared", help="see generate")
    args = parser.parse_args()
    languages = tuple(args.languages.split(","))
    generate(args.out, args.releases, args.seed, languages, args.translated, args.vocabulary, args.photos)


if __name__ == "__main__":
    main()
