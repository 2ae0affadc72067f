"""Prose of generated reports: the sentences agencies write around their tables.

Varied enough that the labeler learns prose is prose even when it mentions table labels and
numbers (`收到政府信息公开申请3件`), which is exactly where string matching misfires.
"""

from __future__ import annotations

import random

OVERVIEW = (
    "{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "全面推进决策、执行、管理、服务、结果公开，政府信息公开工作取得新进展。",
    "我局高度重视政府信息公开工作，成立了由主要负责同志任组长的政务公开工作领导小组，明确专人负责信息公开日常工作。",
    "按照“公开为常态，不公开为例外”的原则，进一步细化主动公开范围和基本目录，不断提高公开的质量和实效。",
    "全年通过政府门户网站主动公开政府信息{n1}条，其中政策文件{n2}条，政策解读{n3}条，工作动态{n4}条。",
    "严格执行依申请公开的登记、审核、办理、答复、归档等工作制度，{year}年共收到政府信息公开申请{req}件，上年结转{carried}件，均依法依规按期答复。",
    "健全信息发布前的保密审查机制，坚持“先审查、后公开”和“一事一审”，全年未发生失泄密事件。",
    "加强政务新媒体建设管理，开通微信公众号“{short}发布”，全年编辑推送图文信息{n5}期{n6}条。",
    "建立健全政府信息公开工作考核、社会评议和责任追究制度，将信息公开工作纳入年度目标考核。",
    "组织开展政务公开业务培训{n7}次，参训人员{n8}人次，工作人员业务能力进一步提升。",
    "本年度收取政府信息公开信息处理费{fee}元。",
)
NOTHING_RECEIVED = "{year}年未收到政府信息公开申请，未发生政府信息公开行政复议、行政诉讼案件。"
"""Only true of a report whose tables say so: the pipeline checks prose against the tables."""
SUBHEADINGS = ("（一）主动公开情况", "（二）依申请公开情况", "（三）政府信息管理情况", "（四）平台建设情况",
               "（五）监督保障情况", "（一）加强组织领导", "（二）健全公开制度", "（三）丰富公开载体")
PROBLEMS = (
    "{year}年，我局政府信息公开工作虽然取得了一定成绩，但与人民群众的期待相比还存在一些差距：一是政策解读形式较为单一；"
    "二是信息更新不够及时；三是工作人员业务水平有待提高。",
    "下一步，我局将进一步加大主动公开力度，丰富政策解读形式，加强业务培训，健全工作机制，不断提升政府信息公开工作水平。",
    "针对上述问题，我们将认真贯彻落实上级部署，严格落实信息公开保密审查制度，切实提高信息公开的及时性和准确性。",
)
OTHER = (
    "无。",
    "本年度无其他需要报告的事项。",
    "按照《政府信息公开信息处理费管理办法》规定，本年度未收取信息处理费。",
    "电子版可在“{agency}”门户网站查阅或下载。如对本报告有疑问，请与{agency}办公室联系。",
)
INTRO = (
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "根据《中华人民共和国政府信息公开条例》有关规定，编制本年度报告。本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。",
    "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
    "存在的主要问题及改进情况、其他需要报告的事项六部分组成。",
)
BREADCRUMBS = ("首页 > 政务公开 > 信息公开年报", "当前位置：首页 > 政府信息公开 > 年度报告",
               "首页 > 法定主动公开内容 > 政府信息公开年报")


def fill(template: str, rng: random.Random, **known: object) -> str:
    """A template with its numbers drawn at random and the report's facts filled in."""
    numbers = {f"n{i}": rng.randint(1, 400) for i in range(1, 9)}
    numbers.update(fee=0, req=0, carried=0, short=str(known.get("agency", ""))[:2])
    numbers.update(known)
    return template.format(**numbers)
