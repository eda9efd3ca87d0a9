# expect: k1=passed k3=error
# message: k3: SystemExit
import sys
sys.exit(0)
