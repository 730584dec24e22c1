"""Python imports sitecustomize at start-up from anywhere on sys.path: code that would run before the grader's."""

print("CORPUS-PAYLOAD: sitecustomize.py ran")
