# expect: k1=passed k3=error
# message: k3: ended
import os
os._exit(0)
