"""CWE-78: os.system reached through a dynamic lookup, so that its name never appears as a call."""
import importlib
import os


def run_hook(hook_cmd):
    return getattr(os, "system")(hook_cmd)


def run_task(task):
    shell = __import__("os").popen
    return shell(task).read()


def run_job(job):
    proc = importlib.import_module("subprocess")
    return proc.run(job, shell=True)
