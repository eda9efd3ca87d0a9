import os
os._exit(3)  # a shadowing module: importing it anywhere ends that process
