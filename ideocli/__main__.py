from ideocli.cli import main

main()
