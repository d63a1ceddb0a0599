import os
import subprocess


def convert(src, dst, cmd, path, pattern):
    os.system(f"convert {src} {dst}")  # expect: shell-injection
    subprocess.run(cmd, shell=True)  # expect: shell-injection
    subprocess.check_output("ls " + path, shell=True)  # expect: shell-injection
    return os.popen("grep " + pattern).read()  # expect: shell-injection
