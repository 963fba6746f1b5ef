"""A three-turn chat through the official `openai` client: Markdown replies, the cited rows as data, a stream.

    POLICY_ASSISTANT_URL=http://127.0.0.1:8000 ASSISTANT_API_KEY=s3cret python docs/examples/openai_chat.py
"""

import os

from openai import OpenAI

client = OpenAI(base_url=os.environ.get("POLICY_ASSISTANT_URL", "http://127.0.0.1:8000") + "/v1",
                api_key=os.environ.get("ASSISTANT_API_KEY", "none"))
messages = []
for question in ["营口市人社局要做哪些工作？", "那瓦房店呢？"]:
    messages.append({"role": "user", "content": question})
    reply = client.chat.completions.create(model="policy-assistant", messages=messages)
    data = reply.model_extra["policy_assistant"]  # the plan and the cited rows, as data
    print(data["plan_line"], "|", len(data["citations"]), "rows, first", data["citations"][0]["id"])
    messages.append({"role": "assistant", "content": reply.choices[0].message.content})

messages.append({"role": "user", "content": "换成财政局呢？"})
stream = client.chat.completions.create(model="policy-assistant", messages=messages, stream=True,
                                        stream_options={"include_usage": True})
text = ""
for chunk in stream:
    if chunk.choices:
        text += chunk.choices[0].delta.content or ""
    if chunk.usage:
        print("usage:", chunk.usage.prompt_tokens, "+", chunk.usage.completion_tokens, "tokens")
print(text.splitlines()[0])
