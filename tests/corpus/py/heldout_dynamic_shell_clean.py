"""Look-alikes: dynamic lookups with a fixed command, or on objects that are not modules."""
import os


def clear_screen():
    return getattr(os, "system")("clear")


class Runner:
    def system(self, cmd):
        return cmd


def dispatch(runner, action, arg):
    return getattr(runner, "system")(arg), getattr(runner, action)(arg)
