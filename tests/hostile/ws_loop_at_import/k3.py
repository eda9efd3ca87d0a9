# expect: k1=passed k3=error
# message: k3: timed out after 2 s
while True:
    pass
