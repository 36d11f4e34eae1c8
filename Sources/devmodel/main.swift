print("devmodel")
