"""The fixed choices of the command line and the files, in a module light enough for the
command line to import before it knows which command runs."""

FORMATS = ("booklet", "handout")
PAPERS = ("letter", "a4")
