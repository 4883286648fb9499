"""Draw the bundled figures in every language (run: python content/draw_figures.py).

Our own simple drawings; each language's copy goes to content/<language>/images/.

Text in a figure is at least as large as 18 pt body text once the figure is printed at the
width of the text column (about 6.8 inches): 1800 px across, so 76 px is about 20 pt.
"""
from pathlib import Path

import fontpkg
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent

# The words in each figure, per content language.
WORDS = {
    "en": {"exocrine": "Exocrine cells", "exocrine_job": "make juices that help you digest food.",
           "endocrine": "Endocrine cells",
           "endocrine_job": "make hormones, such as insulin, that help control blood sugar.",
           "note": "A pNET starts here.", "height": 660},
    "es": {"exocrine": "Células exocrinas",
           "exocrine_job": "producen jugos que le ayudan a digerir la comida.",
           "endocrine": "Células endocrinas",
           "endocrine_job": "producen hormonas, como la insulina, que ayudan a controlar el"
                            " azúcar en la sangre.",
           "note": "Aquí empieza un TNE de páncreas.", "height": 860},
}
INK, BLUE, TINT, WARM = "#1a1a1a", "#1d4a7a", "#e9f0f8", "#fff3d6"


def font(size, weight=400):
    return ImageFont.truetype(fontpkg.path("Atkinson Hyperlegible", weight=weight), size)


def wrap(draw, text, face, width):
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=face) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    return lines + [line]


def panel(draw, box, fill, title, lines, note=None):
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=36, fill=fill, outline=BLUE, width=8)
    draw.text((x0 + 48, y0 + 40), title, font=font(84, 700), fill=BLUE)
    y = y0 + 170
    body = font(76)
    for text in lines:
        for line in wrap(draw, text, body, x1 - x0 - 96):
            draw.text((x0 + 48, y), line, font=body, fill=INK)
            y += 98
    if note:
        face = font(76, 700)
        rows = wrap(draw, note, face, x1 - x0 - 144)
        top = y1 - 54 - 98 * len(rows)
        draw.rounded_rectangle((x0 + 36, top, x1 - 36, y1 - 36), radius=24, fill=BLUE)
        for i, line in enumerate(rows):
            draw.text((x0 + 72, top + 20 + 98 * i), line, font=face, fill="#ffffff")


def pancreas_two_jobs(language):
    words = WORDS[language]
    height = words["height"]
    image = Image.new("RGB", (1800, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    panel(draw, (0, 0, 880, height - 1), TINT, words["exocrine"], [words["exocrine_job"]])
    panel(draw, (920, 0, 1799, height - 1), WARM, words["endocrine"], [words["endocrine_job"]],
          note=words["note"])
    image.save(HERE / language / "images" / "pancreas-two-jobs.png", optimize=True)


if __name__ == "__main__":
    for code in WORDS:
        (HERE / code / "images").mkdir(parents=True, exist_ok=True)
        pancreas_two_jobs(code)
