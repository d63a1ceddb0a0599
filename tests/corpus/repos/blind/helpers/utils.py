TESTFILES_DIR = "/srv/testfiles/"


def escape_for_html(value):
    import html
    return html.escape(value)
