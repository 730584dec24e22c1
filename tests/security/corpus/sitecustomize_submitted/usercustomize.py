print("CORPUS-PAYLOAD: usercustomize.py ran")
