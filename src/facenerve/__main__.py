from facenerve.cli import main

main()
