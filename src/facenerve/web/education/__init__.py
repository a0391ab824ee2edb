"""Patient education: articles written in Markdown, a references page, search, an Atom feed and moderated comments."""
