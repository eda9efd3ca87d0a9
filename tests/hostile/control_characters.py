# expect: k1=passed k3=failed
# Text no export can hold as it is: lone surrogates (they crashed `--batch --json`), NUL and other C0
# controls (invalid in XML), a bare carriage return followed by a formula (a new CSV row), U+FFFE,
# bidirectional overrides, an undecodable byte smuggled in as a surrogate escape.
import torch

EVIL = 'lone \ud800 and \udfff, nul \x00, bell \x07, \r=HYPERLINK("x")\n@SUM(1)\ufffe\u202eevil\u202c \udcff'


def k1(log_p, log_q):
    return log_q - log_p  # honest


def k3(log_p, log_q):
    print(EVIL)
    raise type('Evil\x1b[2J\r=1+1', (Exception,), {})(EVIL)
