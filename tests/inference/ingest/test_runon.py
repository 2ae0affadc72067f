"""Run-on crawler lines: cells glued to labels, cut back by the configured wordings."""

from dataclasses import replace

from xxgk.inference.ingest import default_context, ingest
from xxgk.inference.ingest.runon import RunOnSplitter
from xxgk.inference.ingest.text import clean, collapsed_runs, ingest_text, segment_text
from xxgk.options import load_options
from xxgk.templates import load_editions

TEXT = load_options().text

RUN_ON = ("根据《条例》要求，本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六个部分。"
          "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。全年主动公开信息2645条。"
          "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
          "行政规范性文件4315第二十条第（五）项信息内容本年处理决定数量行政许可2293 "
          "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计一、本年新收政府信息公开申请数量640020470"
          "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开1000001"
          "四、政府信息公开行政复议、行政诉讼情况行政复议结果维持结果纠正其他结果尚未审结总计"
          " 0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"
          "五、存在的主要问题及改进情况（一）存在的主要问题：解读形式不够丰富。")


def test_values_are_cut_from_labels_and_prose_numbers_stay_in_sentences():
    pieces = RunOnSplitter(load_editions(), TEXT).split(RUN_ON)
    values = [p.text for p in pieces if p.value]
    assert values == ["000", "4315", "2293", "640020470", "0000000", "1000001", "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"]
    texts = [p.text for p in pieces]
    assert "2.其他法律行政法规禁止公开" in texts  # the list number glued to the run goes with its label
    assert "行政许可" in texts and "规章" in texts
    assert any("2645条" in t for t in texts)  # a count in a sentence is prose
    assert any(t.startswith("根据《条例》") and "收到和处理" in t for t in texts)  # table names in prose stay prose


def test_run_on_rows_put_values_beside_their_label():
    _, segments, _ = segment_text(clean("标题\n" + RUN_ON), TEXT, RunOnSplitter(load_editions(), TEXT))
    rows: dict[int, list[str]] = {}
    for s in segments:
        rows.setdefault(s.row, []).append(s.text)
    assert ["行政规范性文件", "4315"] in rows.values()
    assert ["一、本年新收政府信息公开申请数量", "640020470"] in rows.values()


def test_damage_is_detected_from_the_whole_dump():
    glued = ingest_text("标题\n" + RUN_ON, doc_id="x", source="x.txt", options=TEXT)
    assert glued.damage == ["glued_cells"]
    one_per_line = "\n".join(["规章", "0", "行政规范性文件", "0", "7", "行政许可", "469", "行政处罚", "118",
                              "行政强制", "0", "行政事业性收费", "0", "自然人", "0", "总计", "3"])
    assert collapsed_runs([(t, 0) for t in one_per_line.split("\n")], TEXT.min_number_lines)
    repeated = one_per_line.replace("行政规范性文件\n0\n7", "行政规范性文件\n0\n0\n7")
    assert not collapsed_runs([(t, 0) for t in repeated.split("\n")], TEXT.min_number_lines)
    assert ingest_text(repeated, doc_id="y", source="y.txt", options=TEXT).damage == []


def test_the_text_options_of_the_ingest_context_reach_the_reader(tmp_path):
    """A text file is read with the thresholds of the pipeline's options: raised above the line's
    length, `run_on_length` leaves the run-on line whole."""
    path = tmp_path / "glued.txt"
    path.write_text("标题\n" + RUN_ON, encoding="utf-8")
    context = default_context()
    longer = context.options.model_copy(
        update={"text": TEXT.model_copy(update={"run_on_length": len(RUN_ON) + 1})})
    assert ingest(path, context=context).damage == ["glued_cells"]
    assert ingest(path, context=replace(context, options=longer)).damage == []


def test_values_after_a_misread_label_are_still_values_and_short_labels_need_their_spelling():
    splitter = RunOnSplitter(load_editions(), TEXT)
    line = ("（三）不予公开1.属于国家秘密02000022．其他法津行政法规禁止仑开0100001（一）矛以公开390001325"
            "本年共办理规章0件，我局行政许可12项")
    values = [p.text for p in splitter.split(line) if p.value]
    assert values == ["0200002", "0100001", "390001325"]
    assert not splitter.split("某局说明0000")[-1].value  # no label, no value


def test_in_a_run_on_dump_a_line_of_one_glued_table_is_cut_too():
    splitter = RunOnSplitter(load_editions(), TEXT)
    t4 = ("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果"
          "尚未审结总计结果维持结果纠正其他结果尚未审结总计00000 00 0 0 000000 五、存在的主要问题及改进情况 下一步，"
          "我局将进一步加大主动公开力度，丰富政策解读形式，加强业务培训，健全工作机制，不断提升政府信息公开工作水平。")
    assert not splitter.is_run_on(t4)
    assert splitter.is_run_on(t4, in_run_on_dump=True)
    assert [p.text for p in splitter.split(t4) if p.value] == ["00000 00 0 0 000000"]


def test_what_a_wording_leaves_before_its_values_ends_that_label_instead_of_opening_a_row():
    """A garbled copy: a character doubled (`1.属于国家秘密密`), a quote lost (`3.危及三安全一稳定”`)."""
    line = ("（三）不予公开1.属于国家秘密密00000002.其他法律行政法规禁止公开00000003.危及三安全一稳定”0000 000"
            "4.保护第三方合法权益0000000")
    pieces = RunOnSplitter(load_editions(), TEXT).split(line)
    labels = [p.text for p in pieces if not p.value]
    assert "3.危及三安全一稳定”" in labels and "”" not in labels
    assert "1.属于国家秘密密" in labels and "密" not in labels


def test_a_list_number_that_lost_its_point_goes_with_its_label_not_the_values_before_it():
    """`00000002没有…`: seven zeros and the `2.` of the next row (a copy lost the point). Only a
    wording printed with that number takes it: `规章3行政规范性文件` keeps its value 3."""
    splitter = RunOnSplitter(load_editions(), TEXT)
    pieces = splitter.split("（四）无法提供1.本机关不掌握相关政府信息00000002没有现成信息需要另行制作0000000")
    assert [p.text for p in pieces if p.value] == ["0000000", "0000000"]
    assert "2没有现成信息需要另行制作" in [p.text for p in pieces]
    pieces = splitter.split("信息内容本年制发件数本年废止件数现行有效件数规章3行政规范性文件000")
    assert [p.text for p in pieces if p.value] == ["3", "000"]
