"""Prints "requests/s p50_ms p99_ms" from the output of `wrk --latency` in the file named."""
import re
import sys

text = open(sys.argv[1]).read()


def ms(label):
    value, unit = re.search(r"\s%s\s+([\d.]+)(us|ms|s)" % label, text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(f"{rps:.0f} {ms('50%'):.3f} {ms('99%'):.3f}")
