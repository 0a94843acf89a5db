"""What reaches people: the HTML / Markdown report, its charts, the audience exports."""
