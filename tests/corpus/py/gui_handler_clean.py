# Look-alike: a GUI toolkit's callback is also called handler(event, context); the
# event comes from the user's own screen, not from a request.
import tkinter


def handler(event, context):
    with open(event.widget.get()) as fh:
        context.insert(tkinter.END, fh.read())
