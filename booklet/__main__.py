from booklet.cli import main

main(prog_name="booklet")
