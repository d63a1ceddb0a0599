import os
import subprocess


def convert(src, dst):
    subprocess.run(["convert", src, dst], check=True)
    os.system("clear")
    subprocess.run("ls", shell=False)
    return subprocess.check_output(["git", "rev-parse", "HEAD"])
