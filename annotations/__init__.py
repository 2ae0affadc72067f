"""Label Studio integration: annotators correct the pipeline's segment labels, boxes and texts.

    tasks.py     documents as tasks (page images or rendered text, the labels as pre-annotations)
    config.py    the labeling configs, built from the classifier's label set
    coords.py    pixels <-> Label Studio percentages (the only place boxes change frame)
    convert.py   an annotation back to a corrected document and its labels
    workflow.py  push and pull (`xxgk annotate`), corrected reports and gold
    studio.py    the SDK client, projects, tasks; a local server for tests and the demo
    demo.py      the new-edition loop (`make demo-edition`)
"""
