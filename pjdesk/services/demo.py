"""演示数据: several years of a township's ledger, realistic enough to try the program on, and reproducible.

``load_demo`` writes units of every sector, their hazards over about five years up to ``session.today()`` and
each hazard's lifecycle (整改通知 → 整改完成 → 复查 → 销号, with 延期 and 复查不合格 along the way), through the
single write path, so the change log holds every row like any other entry. Between them, on their days, the
last twelve months' inspections (demo_inspections: every 检查方式, checklists, the hazards they found, their
documents, reviews and a few photos), made through the services an officer's clicks go through. One seed gives
the same data — ids and hazard numbers included — on every run; only the HLC stamps (when the rows were
written) and the SHA-256 of the documents' files differ.

The first-run wizard loads it into an empty station; ``pjdesk demo`` may also add it to a station that has
records (nothing is overwritten: the demo's ids are new and its hazard numbers continue the station's). The same
set twice (same seed, size and day) is refused with a message: its ids are taken.
On the county station the units are spread over the 25 townships, as the county's ledger would be.
``hazards=200000`` builds the benchmark ledger (five years of a whole county): about a million records and
as many change-log rows, two to three minutes on a two-core PC, nearly all of it SQLite writing them with
their indexes; memory stays near 130 MB, as each batch's state and log are written as it goes.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from stdnum.cn import uscc as gb32100

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import (
    CLOSE,
    CLOSED,
    EXTEND,
    FAIL,
    HAZARD,
    HAZARD_EVENT,
    MAJOR,
    NOTICE,
    PASS,
    RECTIFIED,
    REVIEW,
    derive_state,
    missing_major_items,
)
from pjdesk.core.periods import Month
from pjdesk.core.records import vocabulary
from pjdesk.core.townships import COUNTY_CODE, Township, township, townships
from pjdesk.core.unit import UNIT, is_high_risk_sector
from pjdesk.storage import ledger, sync_store
from pjdesk.storage.attachments import files_of

from .demo_emergency import DemoEmergency
from .demo_inspections import DemoInspections
from .demo_people import DemoPeople
from .demo_plan_records import DemoPlanRecords
from .demo_progress import DemoProgress, mark_units
from .documents import documents_folder
from .forest_areas import demo_forest_areas
from .session import Session

DEFAULT_HAZARDS = 3000  # a township of about 280 units over five years
YEARS = 5
REPORT_MONTHS = 6  # the county's 报送情况 of the demo: the last six months
HAZARDS_PER_UNIT = 11
MAX_UNITS_PER_TOWNSHIP = 320
MAX_HAZARDS = 1_000_000
BATCH = 2000  # hazards per write batch: progress and cancel are checked between batches
_BEIJING = dt.timezone(dt.timedelta(hours=8))

Progress = Callable[[int, int], None]

# ---------------------------------------------------------------------------------------------------------
# What inspectors find, per family of sectors. One line per finding: 隐患描述 | 部位、部位 | 整改措施, and for a
# finding a 判定标准 names as 重大, a fourth column: the article of the family's standard (or, where the
# article is not certain, the standard's document number). "{n}" is a count.
# ---------------------------------------------------------------------------------------------------------

_FIRE = """
灭火器压力不足，指针处于红区 | 一楼大厅、仓库、生产车间、楼梯间、厨房 | 对压力不足的灭火器重新充装，建立灭火器月检记录
{n}具灭火器超过维修检验期限未送检 | 仓库、办公楼走廊、配电房、车间东侧 | 送有资质的单位维修检验，达到报废年限的予以更换
灭火器配置数量不足，部分区域未配置 | 生产车间、仓库、厨房、营业厅 | 按《建筑灭火器配置设计规范》补足灭火器
灭火器被货物遮挡，取用不便 | 车间通道、仓库门口、收银台旁 | 清理遮挡物，灭火器放置在明显、便于取用的位置
消防通道堵塞，堆放杂物 | 厂区消防车道、一楼后门通道、楼梯间 | 立即清理杂物，施划标线，禁止占用
疏散通道堆放货物，净宽度不足 | 仓库、二楼走廊、车间内通道 | 清理货物，保持疏散通道畅通
安全出口上锁 | 一楼后门、二楼安全出口、员工通道 | 立即开锁，营业及生产期间严禁锁闭安全出口，改装推闩式门锁
应急照明灯损坏不亮 | 楼梯间、走廊、大厅、地下室 | 更换损坏的应急照明灯，每月测试一次
疏散指示标志缺失、指向错误 | 走廊、楼梯间、车间出口 | 按规范补设疏散指示标志，确保指向正确
室内消火栓箱内水带、水枪缺失 | 各楼层消火栓箱、车间消火栓 | 配齐水带、水枪，每月检查一次
室内消火栓被遮挡，箱门无法打开 | 二楼走廊、车间、仓库 | 清除遮挡物，修复消火栓箱门
消防水泵不能自动启动 | 消防泵房 | 委托消防维保单位检修，恢复自动启动功能
消防水池水位不足 | 消防水池、屋顶消防水箱 | 补水至设计水位，检修补水浮球阀
火灾自动报警控制器显示多处故障未修复 | 消防控制室、值班室 | 委托维保单位维修，恢复系统正常运行
消防控制室值班人员未持证上岗 | 消防控制室 | 安排持证人员值班，落实24小时双人值班
未定期开展消防设施维护保养和检测 | 消防设施 | 委托有资质的单位开展年度检测和日常维保
常闭式防火门闭门器损坏，处于常开状态 | 楼梯间、配电房、仓库 | 修复闭门器，保持常闭式防火门关闭
防火卷帘下方堆放物品 | 商场、仓库、车间 | 清理卷帘下方物品，定期测试防火卷帘
电动自行车在楼道内停放、充电 | 楼梯间、一楼门厅、走廊 | 清理楼道内电动自行车，设置集中停放充电场所
厨房排油烟管道油污积聚，未定期清洗 | 厨房 | 委托专业单位清洗排油烟管道，建立清洗记录
仓库内使用碘钨灯、电取暖器等大功率电器 | 仓库 | 拆除大功率电器，仓库照明改用冷光源灯具
车间内有烟头，未落实禁烟规定 | 车间、仓库 | 设置禁止吸烟标志，在安全区域设置吸烟点
消防安全重点部位未设置明显标识 | 配电房、仓库、厨房 | 设置重点部位标识牌，落实专人管理
防火分隔墙上管线穿越孔洞未封堵 | 车间与仓库之间隔墙、管道井 | 用防火封堵材料封堵孔洞
屋顶消防水箱出水阀门关闭 | 屋顶消防水箱 | 开启阀门并锁定在常开位置
自动喷水灭火系统末端试水装置压力不足 | 末端试水装置 | 检修喷淋系统，恢复正常工作压力
消防车道被车辆占用 | 厂区消防车道、门前消防车道 | 施划禁停标线，安排专人管理
外窗设置影响逃生和灭火救援的防盗网 | 二楼、三楼外窗 | 拆除防盗网或设置可从内部开启的逃生窗口
员工不会使用灭火器和室内消火栓 | 员工 | 组织消防安全培训和实操演练
未开展每日防火巡查，巡查记录缺失 | 消防档案 | 落实每日防火巡查并如实记录
"""

_ELECTRIC = """
电气线路私拉乱接 | 车间、宿舍、仓库、办公室 | 拆除私拉乱接线路，由持证电工规范敷设
电线未穿管保护，直接敷设在可燃物上 | 吊顶内、仓库、木工车间 | 电线穿阻燃管保护，远离可燃物
配电箱未安装漏电保护器 | 车间配电箱、临时配电箱 | 加装漏电保护器并每月试跳一次
配电箱箱门损坏，带电部位外露 | 车间、配电房 | 修复或更换配电箱，加锁管理
配电箱前堆放杂物 | 配电房、车间 | 清理杂物，配电箱前1米范围内不得堆放物品
电线绝缘层老化破损 | 车间、仓库、门面 | 更换老化破损线路
用铜丝代替熔断器熔丝 | 配电箱 | 按额定电流更换熔断器
插线板串接使用 | 办公室、宿舍、收银台 | 拆除串接的插线板，增设固定插座
用电设备金属外壳未做保护接地 | 车间设备、电焊机、水泵 | 按规范做保护接地并测量接地电阻
配电房未铺设绝缘垫，无警示标志 | 配电房 | 铺设绝缘垫，设置“当心触电”等警示标志
照明灯具直接安装在可燃物上 | 吊顶、仓库货架上方 | 采取隔热散热措施或移位安装
电气线路过载，电线发热 | 车间、厨房 | 核算负荷，更换大截面电缆，分路供电
电缆沟积水 | 配电房电缆沟 | 排除积水，封堵进水口
临时用电线路拖地敷设 | 车间、院内 | 线路架空或穿管埋地敷设
电动自行车充电线从窗户飞线充电 | 宿舍楼、居民楼 | 拆除飞线，到集中充电点充电
开关、插座直接安装在可燃材料上 | 木质墙面、吊顶 | 加装阻燃底盒
未定期开展电气线路检测 | 全厂电气线路 | 委托电气检测机构检测，整改发现的问题
配电箱内线路杂乱，无回路标识 | 配电箱 | 整理线路，标明各回路名称
电焊作业现场未配备灭火器材 | 电焊作业点 | 配备灭火器，落实动火审批和现场监护
电工无证上岗 | 配电房、电工班 | 停止无证人员作业，安排持证电工上岗
"""

_MANAGEMENT = """
未建立全员安全生产责任制 | 安全管理档案 | 制定全员安全生产责任制并公示考核
安全生产规章制度和操作规程不健全 | 安全管理档案 | 补充完善安全生产规章制度和岗位操作规程
未定期组织开展隐患排查，无排查记录 | 安全管理档案 | 建立隐患排查治理制度，定期排查并如实记录
从业人员未经三级安全教育即上岗 | 培训档案 | 组织补训，考核合格后上岗
新员工岗前安全培训学时不足 | 培训档案 | 按规定补足岗前培训学时
未制定生产安全事故应急预案 | 应急管理档案 | 编制应急预案，组织评审并备案
应急预案未组织演练 | 应急管理档案 | 每年至少组织一次综合或专项演练
未配备专职或兼职安全管理人员 | 安全管理档案 | 按规定配备安全管理人员
劳动防护用品配备不足 | 车间、班组 | 按标准配发劳动防护用品
作业人员未按规定佩戴劳动防护用品 | 车间、作业现场 | 加强教育，由班组长监督佩戴
安全警示标志缺失 | 危险作业区域、设备旁 | 按GB 2894设置安全警示标志
未与承包、承租单位签订安全生产管理协议 | 安全管理档案 | 签订安全生产管理协议，明确各自安全职责
未按规定提取和使用安全生产费用 | 财务台账 | 按规定提取安全生产费用，专款专用
未落实“一会三卡”，班前会记录缺失 | 班组 | 落实班前会，编制体检卡、动工卡、应急处置卡
未开展安全风险辨识评估，风险分级管控清单缺失 | 安全管理档案 | 开展风险辨识评估，建立风险清单和管控措施
安全检查、培训等安全生产台账不全 | 安全管理档案 | 完善安全检查、培训、隐患治理台账
危险作业未执行审批制度 | 作业现场 | 建立危险作业审批制度，作业前审批并落实监护
未投保安全生产责任保险 | 安全管理档案 | 按规定投保安全生产责任保险
上次检查发现的问题未整改闭环 | 安全管理档案 | 落实整改并完善整改记录
员工不熟悉应急处置程序 | 班组 | 开展应急知识培训和演练
"""

_HAZCHEM = """
可燃气体检测报警装置未安装或失效 | 油罐区、卸油口、储罐区 | 按规范安装可燃气体检测报警装置并定期检定 | 第十二条
爆炸危险区域使用非防爆电气设备 | 油罐区、加油区、危化品仓库 | 更换为防爆型电气设备 | 第十二条
危险化学品超量储存，禁配物质混放 | 危化品仓库 | 清理超量物品，分区分类分库储存 | 第二十条
动火、受限空间等特殊作业未执行作业审批 | 储罐区检修现场 | 严格执行特殊作业票证制度，作业全程监护 | 第十八条
主要负责人、安全管理人员未经安全生产知识和管理能力考核合格 | 安全管理档案 | 限期参加培训考核，取得合格证 | 第一条
安全阀未按期校验，未正常投用 | 储罐、反应釜 | 送检安全阀，恢复正常投用 | 第十五条
卸油时未连接静电接地装置 | 卸油口 | 卸油前必须连接静电接地，设专人监护
加油机胶管老化开裂 | 加油区 | 更换加油胶管
油罐区防火堤破损 | 油罐区 | 修复防火堤
向无资质车辆、塑料桶违规散装销售汽油 | 加油区、营业室 | 立即停止违规散装销售，严格执行实名登记
人体静电释放装置损坏 | 加油区、卸油口 | 修复人体静电释放装置
油气回收装置故障 | 加油机、卸油口 | 维修油气回收装置，委托检测
危化品仓库未设置机械通风设施 | 危化品仓库 | 安装防爆排风扇
危险化学品安全技术说明书和安全标签缺失 | 仓库、经营门店 | 配齐“一书一签”
危化品出入库登记台账不全 | 危化品仓库 | 建立出入库台账，做到账物相符
储罐液位计失灵 | 储罐区 | 维修液位计，设置高低液位报警
装卸区未设置防撞设施 | 装卸区 | 设置防撞柱
在加油站罩棚下停放车辆 | 加油区 | 清理车辆，禁止在加油区停放
危化品经营门店内住人 | 门店后间、二楼 | 立即搬离住宿人员，经营场所与居住场所分开
消防沙池沙量不足 | 油罐区 | 补足消防沙，配备消防铲
防雷防静电设施未定期检测 | 储罐区、罩棚 | 委托防雷检测机构检测
作业人员未穿防静电工作服 | 加油区、卸油区 | 配发防静电工作服并督促穿戴
吸油毡、防毒面具等应急物资配备不足 | 应急物资柜 | 补充应急物资，定期检查
油罐通气管阻火器损坏 | 油罐通气管 | 更换阻火器
"""

_MINE = """
未采用自上而下分台阶开采，形成高陡边坡 | 采场、采场北侧作业面 | 停止违规开采，按设计自上而下分台阶开采 | 第三条第（三）项
最终边坡台阶高度超过设计高度 | 采场西侧边坡、采场边坡 | 按设计削坡减载 | 第三条第（四）项
边坡存在浮石、裂缝，出现滑移迹象 | 采场边坡 | 撤离作业人员，清除浮石，开展边坡稳定性监测 | 第三条第（七）项
未按设计设置安全平台和清扫平台 | 采场 | 按设计设置安全平台和清扫平台 | 第三条第（十一）项
运输道路坡度超过设计坡度，未设置挡车设施 | 矿区运输道路 | 整修道路，设置挡车墙 | 第三条第（八）项
使用国家明令禁止使用的设备 | 破碎车间 | 停止使用淘汰设备，更换合格设备 | 第三条第（二）项
爆破后未经检查即进入作业面 | 采场作业面 | 严格执行爆破后安全检查制度
铲装作业面下方有人员作业 | 采场 | 禁止上下同时作业，设置警戒
破碎机传动部位防护罩缺失 | 破碎车间 | 加装防护罩
皮带输送机未设置紧急拉绳开关 | 皮带廊 | 安装紧急停机拉绳开关
采场边界未设置安全护栏和警示标志 | 采场边界 | 设置安全护栏和警示标志
排土场未修建截排水设施 | 排土场 | 修建截排水沟
矿山从业人员岗前安全培训不足72学时 | 培训档案 | 按规定补足培训学时并考核
未配备采矿、地质等专业技术人员 | 安全管理档案 | 配备专业技术人员
挖掘机、自卸车制动失灵 | 挖掘机、自卸车 | 检修制动系统，未修复前停止使用
未开展边坡位移监测 | 采场边坡 | 建立边坡监测系统，定期观测并记录
破碎车间喷雾降尘设施损坏 | 破碎车间 | 修复喷雾降尘设施
汛期未制定防洪排水措施 | 采场、排土场 | 制定汛期应急措施，疏通排水沟
超出采矿许可范围开采 | 矿区边界 | 立即停止越界开采，报自然资源部门处理
采掘设备与边坡安全距离不足 | 采场平台 | 调整作业位置，保持安全距离
爆破作业人员无证上岗 | 采场 | 停止无证作业，安排持证人员作业
夜间作业照明不足 | 采场、破碎站 | 增设照明灯具
"""

_FIREWORKS = """
零售点与居住场所设置在同一建筑物内 | 零售门店 | 立即搬离住宿人员，经营场所与居住场所分开 | 第十五条
零售场所内烧香、用火取暖等使用明火 | 零售门店 | 立即熄灭明火，严禁在店内使用明火 | 第十五条
仓库实际存药量超过核定药量 | 成品仓库 | 转移超量产品，严格按核定药量储存 | 第五条
烟花爆竹成品露天堆放 | 库区空地 | 立即入库，严禁露天堆放 | 第九条
库房防雷设施失效 | 成品仓库 | 修复防雷设施并检测合格 | 第七条
库房实际作业人数超过核定人数 | 成品仓库 | 控制作业人数在核定范围内 | 第四条
许可证过期仍在经营 | 经营门店、仓库 | 立即停止经营，办理许可证延续 | 第十三条
库区防护屏障破损，不符合要求 | 库区 | 按设计修复防护屏障 | 第六条
仓库视频监控损坏 | 库区 | 修复视频监控系统
零售点超量存放烟花爆竹 | 零售门店 | 按许可限量存放，多余产品退回批发企业
库房门口未设置人体静电释放装置 | 库房门口 | 安装人体静电释放装置
库区围墙周边杂草未清理 | 库区围墙周边 | 清除杂草，设置防火隔离带
装卸作业时抛掷、拖拉产品 | 成品仓库 | 加强作业人员教育，轻拿轻放
零售点未配备灭火器和消防水桶 | 零售门店 | 配备灭火器和消防水桶
仓库保管员、守护员未持证上岗 | 仓库 | 参加培训取得相应资格证
烟花爆竹流向登记不全 | 经营台账 | 严格执行流向登记
库房堆垛过高，未留安全通道 | 成品仓库 | 按规定堆码，留足安全通道
民房内非法储存烟花爆竹 | 民房 | 依法收缴，取缔非法储存点
零售点门口未设置禁止烟火标志 | 零售门店 | 设置禁止烟火警示标志
库区值班人员脱岗 | 门卫室 | 落实24小时值班守护
运输车辆无危险货物运输资质 | 装卸区 | 使用有资质的危险货物运输车辆
零售点店内使用电暖器 | 零售门店 | 拆除电暖器，店内不得使用大功率电器
"""

_SMELTING = """
休息室、操作室设置在熔融金属吊运跨的地坪区域内 | 熔炼车间 | 搬离人员聚集场所 | 第四条第（一）项
熔炼炉炉下渣坑、事故坑存在积水 | 熔炼炉炉前、事故坑 | 排除积水，采取防水措施 | 第四条第（二）项
主要负责人、安全管理人员未按规定经考核合格 | 安全管理档案 | 参加金属冶炼安全考核并取得合格证 | 第三条第（三）项
吊运熔融金属的起重机不符合冶金铸造起重机要求 | 熔炼车间行车 | 更换为冶金铸造起重机 | 第四条
熔炼炉冷却水系统未设置温度、流量监测报警 | 中频炉 | 加装监测报警装置并与电源联锁
浇注区域地面潮湿 | 浇注区 | 保持地面干燥，设置防水措施
炉前作业人员未穿戴隔热防护服 | 熔炼炉前 | 配发隔热防护用品并督促穿戴
废钢原料中混有密闭容器 | 原料堆场 | 对原料进行分拣检查，清除密闭容器和可疑物品
车间行车制动器磨损严重 | 车间行车 | 更换制动器
铁水包耐火材料未定期检查 | 浇注区 | 建立铁水包检查记录
煤气区域未设置一氧化碳报警仪 | 煤气发生炉 | 安装固定式一氧化碳报警仪
熔炼烟尘收集装置损坏 | 熔炼车间 | 修复除尘设施
吊运通道下方有人员通行 | 熔炼车间 | 设置警戒区域，吊运时禁止通行
中频炉电缆绝缘层破损 | 中频炉 | 更换电缆
"""

_DUST = """
干式除尘器未采取泄爆、惰化、抑爆等防控措施 | 除尘器 | 加装泄爆装置 | 第十一条第（三）项
作业现场积尘严重，未落实粉尘清扫制度 | 砂光车间、打磨车间 | 落实班前班后清扫制度，建立清扫记录 | 第十一条第（十）项
粉尘爆炸危险场所内设有员工休息室 | 打磨车间 | 搬离休息室 | 第十一条第（一）项
木质粉尘干式除尘系统未设置锁气卸灰装置 | 除尘器下方 | 加装锁气卸灰装置 | 第十一条第（六）项
与砂光机连接的风管未设置火花探测消除装置 | 砂光机风管 | 加装火花探测消除装置 | 第十一条第（八）项
除尘器区域电气设备不防爆 | 除尘器、收尘仓 | 更换为粉尘防爆型电气设备 | 第十一条第（七）项
不同车间共用一套除尘系统 | 除尘系统 | 按防火分区分设除尘系统 | 第十一条第（二）项
粉尘清扫不及时，设备顶部积尘 | 车间、设备顶部 | 落实粉尘清扫制度，及时清扫
除尘管道未设置清灰口 | 除尘管道 | 加装清灰口
除尘器未做防静电接地 | 除尘器 | 做好防静电接地并检测
用压缩空气吹扫积尘 | 车间 | 改用负压吸尘方式清扫
除尘系统未与生产设备联锁 | 除尘系统 | 实现除尘系统与生产设备联锁
粉尘防爆专项培训记录缺失 | 培训档案 | 开展粉尘防爆专项培训
灰斗积灰未及时清理 | 除尘器灰斗 | 定时清灰并记录
车间内动火作业未审批 | 车间 | 执行动火审批，作业前清理积尘
未设置粉尘爆炸危险场所警示标志 | 车间 | 开展辨识，设置警示标志
除尘器进风管未设置隔爆阀 | 除尘器进风管 | 加装隔爆阀
烘干设备温度监测装置失效 | 烘干房 | 修复温度监测和超温报警
"""

_ALUMINIUM = """
铝镁粉尘除尘系统采用正压除尘 | 抛光车间 | 改为负压除尘方式 | 第十一条第（四）项
铝屑存放场所未采取防水防潮措施 | 铝屑堆放区 | 设置防水防潮设施，防止遇湿自燃 | 第十一条第（九）项
焊工未取得特种作业操作证上岗 | 焊接区 | 停止无证作业，安排持证焊工 | 第三条第（二）项
铝液流槽未设置紧急排放和应急储存设施 | 铸造车间 | 设置紧急排放阀和应急储存设施 | 第五条
抛光打磨工位积尘 | 抛光车间 | 及时清扫积尘
切割机防护罩缺失 | 下料车间 | 加装防护罩
行车钢丝绳断丝超标 | 车间行车 | 更换钢丝绳
焊接作业现场可燃物未清理 | 焊接区 | 清理可燃物，配备灭火器
氧气瓶、乙炔瓶混放，间距不足 | 气瓶存放点 | 分开存放，间距不小于5米
压力机安全光幕失效 | 冲压车间 | 修复安全光幕
钢结构吊装无专人指挥 | 吊装作业区 | 设专人指挥，划定警戒区
挤压机液压系统漏油 | 挤压车间 | 检修液压系统，清理油污
时效炉温控失灵 | 时效炉 | 维修温控装置
"""

_INDUSTRY = """
有限空间未辨识，未设置警示标志和管理台账 | 污水池、发酵罐、窨井 | 开展有限空间辨识，设置警示标志，建立管理台账 | 第十三条第（一）项
有限空间作业未审批，未执行“先通风、再检测、后作业” | 污水处理池 | 严格执行有限空间作业审批和“先通风、再检测、后作业” | 第十三条第（二）项
特种作业人员未取得特种作业操作证上岗 | 配电房、焊接作业点 | 停止无证作业，安排持证人员 | 第三条第（二）项
未对承包单位的安全生产工作统一协调管理 | 厂区施工现场 | 签订安全管理协议，统一协调管理 | 第三条第（一）项
包装间空调系统采用氨直接蒸发制冷 | 包装间 | 改造制冷系统 | 第十二条第（一）项
机械设备传动部位无防护罩 | 生产车间 | 加装防护罩
搅拌机未设置急停装置 | 配料车间 | 安装急停按钮
油炸锅温控装置失效 | 油炸车间 | 维修温控装置，加装超温报警
蒸汽管道无保温层 | 生产车间 | 加装保温层
叉车司机无证驾驶 | 仓库 | 停止无证驾驶，安排持证人员
砂轮机防护罩缺失 | 石材加工车间 | 加装砂轮机防护罩
石材切割湿法作业设施损坏，粉尘浓度高 | 石材加工车间 | 修复湿法作业设施
物料堆放过高，有倒塌风险 | 仓库 | 限高堆放，设置堆放标识
传送带夹点无防护 | 包装车间 | 加装防护挡板
员工宿舍设在生产车间内 | 车间二楼 | 搬离员工宿舍
设备检修未执行上锁挂牌 | 生产车间 | 建立上锁挂牌制度
纺纱车间棉絮积聚 | 纺纱车间 | 及时清扫棉絮
梳棉机防护门联锁失效 | 梳棉车间 | 修复防护门联锁
清洗剂、酒精等化学品存放不规范 | 车间 | 设专柜存放，专人管理
冲床未设置双手操作按钮 | 冲压车间 | 加装双手操作按钮
厂内机动车辆超速行驶 | 厂区道路 | 设置限速标志，加强管理
车间地面油污湿滑 | 生产车间 | 及时清理油污
设备操作平台未设置防护栏杆 | 设备平台 | 加装防护栏杆
烘干机温度失控 | 烘干车间 | 检修温控系统
"""

_CONSTRUCTION = """
危险性较大的分部分项工程未编制专项施工方案 | 高支模区域、深基坑 | 编制专项施工方案，按规定审批和论证 | 第四条第（四）项
建筑施工特种作业人员无证上岗 | 塔吊、施工升降机 | 停止作业，安排持证人员 | 第四条第（三）项
项目负责人、专职安全员未取得安全生产考核合格证书 | 项目部 | 配备持证的项目负责人和专职安全员 | 第四条第（二）项
基坑土方超挖，未采取有效措施 | 基坑 | 停止开挖，按方案支护 | 第五条第（二）项
深基坑施工未进行第三方监测 | 基坑 | 委托第三方开展基坑监测 | 第五条第（三）项
外脚手架连墙件整层缺失 | 外脚手架 | 按方案补设连墙件 | 第七条第（二）项
塔式起重机未经验收合格即投入使用 | 塔吊 | 停止使用，验收合格并办理使用登记后方可使用 | 第八条第（一）项
塔吊力矩限制器失效 | 塔吊 | 修复安全装置，检测合格后使用 | 第八条第（五）项
模板支架施工荷载超过设计值 | 高支模区域 | 卸载，严格按方案施工 | 第六条第（二）项
楼层临边、洞口未设置防护栏杆 | 楼层临边、电梯井口、预留洞口 | 设置定型化防护栏杆和盖板
施工人员未戴安全帽、高处作业未系安全带 | 作业面 | 督促正确佩戴安全帽、系挂安全带
施工临时用电未实行“三级配电、两级保护” | 临时配电箱 | 按规范整改临时用电系统
开关箱一闸多机 | 开关箱 | 实行“一机一闸一漏一箱”
外脚手架未满挂密目安全网 | 外脚手架 | 满挂密目安全网
脚手架扫地杆缺失 | 脚手架 | 补设扫地杆
施工升降机防坠安全器超过标定期限 | 施工升降机 | 送检防坠安全器
基坑边缘堆放材料 | 基坑边 | 清理材料，保持安全距离
电梯井内未设置水平安全网 | 电梯井 | 每隔两层设置一道水平安全网
钢筋加工区未搭设防护棚 | 钢筋加工区 | 搭设双层防护棚
工人宿舍私拉电线、使用大功率电器 | 工人生活区 | 拆除私拉电线，设置限流装置
施工现场未配备消防器材 | 木工棚、生活区 | 配备灭火器和消防水桶
动火作业无审批、无监护 | 焊接作业点 | 执行动火审批，设专人监护
卸料平台未设置限载标志 | 卸料平台 | 设置限载标志，严禁超载
安全技术交底记录缺失 | 项目部资料 | 补做安全技术交底并签字
外墙吊篮安全锁超期未标定 | 外墙吊篮 | 送检安全锁
手持电动工具未接漏电保护器 | 作业面 | 接入带漏电保护的开关箱
施工现场未实行封闭管理 | 施工现场入口 | 设置围挡和门禁，实行封闭管理
"""

_GAS = """
为超期未检验的液化气钢瓶充装 | 充装间 | 停止为超期钢瓶充装，超期钢瓶送检或报废 | （建城规〔2023〕4号）
向无燃气经营许可的单位和个人提供经营用瓶装燃气 | 营业室 | 停止向无证单位和个人供气 | （建城规〔2023〕4号）
站区可燃气体报警装置失效 | 储罐区、充装间 | 修复可燃气体报警装置 | （建城规〔2023〕4号）
液化气钢瓶未按期检验 | 钢瓶存放间 | 超期钢瓶送检，不合格的报废
液化气钢瓶露天存放，无防晒措施 | 门口空地 | 钢瓶入库存放，设置遮阳设施
瓶库未安装可燃气体报警器 | 瓶库 | 安装可燃气体报警器
实瓶与空瓶混放 | 瓶库 | 实瓶、空瓶分区存放，设置标识
送气工未经培训合格即上岗 | 营业室 | 组织培训考核，合格后上岗
用户使用的橡胶软管超过2米且老化 | 用户厨房 | 更换为金属波纹管
燃气管道穿越卧室 | 用户厨房、卧室 | 改造燃气管道
用户使用无熄火保护装置的燃气灶 | 用户厨房 | 更换带熄火保护的燃气灶
储罐区防火堤开裂 | 储罐区 | 修复防火堤
瓶装液化气未实行实名制配送 | 营业台账 | 落实实名制配送和气瓶追溯
充装间电气设备不防爆 | 充装间 | 更换为防爆电气设备
消防水池水量不足 | 消防水池 | 补足消防水量
槽车卸车时未连接静电接地 | 卸车区 | 卸车前连接静电接地，专人监护
储罐安全阀超期未校验 | 储罐 | 送检安全阀
燃气调压箱锈蚀，未定期巡检 | 调压箱 | 除锈维护，建立巡检记录
餐饮用户钢瓶与灶具同室且未安装报警器 | 餐馆厨房 | 设置独立气瓶间，安装燃气泄漏报警和切断装置
用户倒置钢瓶、加热钢瓶使用 | 用户厨房 | 加强安全用气宣传，制止违规用气
"""

_TRANSPORT = """
动态监控平台未及时处置超速、疲劳驾驶报警 | 动态监控平台 | 配备监控人员，及时处置报警信息 | （交办运〔2023〕52号）
驾驶员未按规定进行岗前培训 | 驾驶员档案 | 组织岗前培训并考核
车辆未按期进行综合性能检测 | 停车场 | 按期检测，不合格车辆停止营运
客运站未落实“三不进站、六不出站” | 出站口 | 严格落实进出站检查
危险品检查仪损坏 | 进站口 | 修复危险品检查仪
客车安全锤、灭火器缺失 | 客车 | 配齐安全锤和灭火器
驾驶员连续驾驶超过4小时 | 动态监控记录 | 严格执行驾驶员休息制度
动态监控数据未定期分析 | 监控平台 | 每月分析动态监控数据，通报违规驾驶员
车辆轮胎磨损超过极限 | 停车场 | 更换轮胎
停车场消防通道被占用 | 停车场 | 清理占道车辆
货车超限超载运输 | 货运场站 | 严格装载源头管理，禁止超限超载
农村客运车辆超员 | 客运班线 | 加强检查，严禁超员
维修车间废机油随意堆放 | 维修车间 | 设置废油专用存放点
车辆安全例检记录不全 | 安全例检台账 | 每趟出车前例检并记录
驾驶员档案不全，未核查驾驶证记分 | 驾驶员档案 | 完善档案，定期核查记分
客车应急门无法正常开启 | 客车 | 维修应急门
候车室疏散通道堆放行李 | 候车室 | 清理行李，保持疏散通道畅通
货运车辆未安装卫星定位装置 | 停车场 | 安装并接入卫星定位监控平台
"""

_EQUIPMENT = """
电梯超过检验有效期仍在使用 | 电梯 | 停止使用，申请定期检验
电梯应急救援电话无人接听 | 电梯轿厢 | 修复应急通话装置，落实24小时值守
电梯轿厢内未张贴使用标志 | 电梯轿厢 | 张贴特种设备使用标志
锅炉未办理使用登记 | 锅炉房 | 办理使用登记
锅炉安全阀、压力表未定期校验 | 锅炉房 | 送检安全阀和压力表
锅炉司炉工无证上岗 | 锅炉房 | 安排持证司炉工
储气罐超期未检验 | 空压机房 | 申请定期检验
储气罐安全阀失效 | 空压机房 | 更换安全阀
叉车未办理使用登记 | 仓库 | 办理使用登记，悬挂牌照
起重机械限位器失效 | 车间行车 | 修复限位器
行车操作人员无证作业 | 车间行车 | 安排持证人员操作
特种设备安全技术档案不全 | 特种设备档案 | 完善安全技术档案
未配备特种设备安全管理员 | 安全管理档案 | 配备特种设备安全管理员
电梯维保记录不全 | 电梯机房 | 督促维保单位完善记录
压力管道未定期检验 | 压力管道 | 申请定期检验
锅炉水位计模糊不清 | 锅炉房 | 清洗或更换水位计
混凝土搅拌站筒仓未设置防护栏 | 筒仓顶部 | 加装防护栏杆
电梯机房堆放杂物 | 电梯机房 | 清理杂物，机房上锁
"""

_CROWDED = """
安全出口数量不足，总净宽度小于规定值的80% | KTV二楼、商场二楼 | 增设安全出口，拓宽疏散宽度 | 第6.5条
宾馆未按规定设置火灾自动报警系统 | 客房楼层 | 按规范设置火灾自动报警系统 | 第6.6条
老年人居室设置在不符合规定的楼层 | 养老院 | 调整老年人居室楼层 | 第6.9条
商场内违规储存、销售易燃易爆危险品 | 商场仓库 | 清理易燃易爆危险品 | 第6.8条
员工宿舍采用可燃芯材彩钢夹芯板搭建 | 院内板房 | 拆除或更换为A级不燃芯材 | 第6.10条
安全出口上锁、封堵 | 一楼后门、二楼安全出口、包厢走廊 | 立即拆除封堵物，营业期间安全出口不得锁闭
疏散通道堆放杂物，宽度不足 | 走廊、楼梯间、后厨通道 | 清理杂物，保持疏散通道畅通
疏散通道被摊位占用 | 市场通道 | 清理占道摊位，施划通道标线
外窗设置铁栅栏，影响逃生 | 二楼客房、包厢 | 拆除铁栅栏或设置逃生窗
包厢内使用可燃材料装修 | KTV包厢 | 更换为不燃或难燃材料
包厢内疏散指示标志缺失 | KTV包厢 | 补设疏散指示标志
营业期间消防控制室无人值守 | 消防控制室 | 落实24小时双人值班
厨房燃气未安装泄漏报警和切断装置 | 厨房 | 安装燃气泄漏报警和紧急切断装置
员工不会报警、不会使用灭火器 | 员工 | 开展“四个能力”培训
营业期间未开展防火巡查 | 营业场所 | 营业期间每两小时防火巡查一次
养老院夜间值班人员不足 | 养老院 | 配足夜间值班人员
防火卷帘下方堆放商品 | 商场 | 清理卷帘下方商品
营业场所超员 | 网吧、游艺厅 | 控制人数在核定范围内
幼儿园厨房燃气未安装泄漏报警器 | 幼儿园厨房 | 安装燃气泄漏报警器
卧床老人未安排在一楼居住 | 养老院 | 调整卧床老人居室至首层
微型消防站器材不全 | 微型消防站 | 配齐微型消防站器材
客房内使用电热毯等大功率电器 | 宾馆客房 | 收缴违规电器
室内装修使用易燃泡沫板 | 营业大厅、包厢 | 拆除易燃装修材料
"""

_SELF_BUILT = """
经安全鉴定为D级危房仍在经营 | 房屋主体 | 立即停止经营，撤离人员，拆除或加固 | D级
擅自拆除承重墙改变房屋结构 | 一楼门面 | 委托设计单位出具加固方案并加固 | C级
房屋墙体开裂，未进行安全鉴定 | 墙体 | 委托有资质的机构进行房屋安全鉴定
擅自加层 | 屋顶 | 停止使用加层部分，鉴定后依法处理
一楼经营、楼上住人，未进行防火分隔 | 一楼门面、楼梯间 | 设置防火分隔和独立疏散通道
楼梯间堆放杂物、停放电动自行车 | 楼梯间 | 清理杂物和电动自行车
出租房未设置第二安全出口 | 出租房 | 增设逃生出口或逃生设施
外墙装饰构件松动 | 外墙 | 拆除或加固松动构件
屋顶违规搭建彩钢板房 | 屋顶 | 拆除违规搭建
窗户安装铁栅栏且无逃生口 | 二楼、三楼外窗 | 设置可从内部开启的逃生口
民宿未配备灭火器和应急照明 | 民宿客房、走廊 | 配备灭火器和应急照明
房屋地基不均匀沉降 | 房屋基础 | 委托鉴定，按鉴定意见处理
楼板出现裂缝、钢筋外露 | 二楼楼板 | 委托鉴定，采取加固措施
出租房内为电动自行车充电 | 出租房 | 设置集中充电点，禁止入户充电
液化气钢瓶放置在楼梯下 | 楼梯间 | 移至通风良好的独立区域
阳台护栏高度不足 | 阳台 | 加高护栏至1.1米以上
改作餐饮经营，厨房未进行分隔 | 一楼餐馆 | 厨房与就餐区进行防火分隔
房屋紧邻边坡，未采取防护措施 | 屋后边坡 | 修建挡土墙和截水沟
"""

_TOURISM = """
漂流河道危险段未安排救生员 | 漂流河道 | 在危险段设置救生员和救生设备
游客未穿救生衣 | 漂流起漂点 | 严格执行穿救生衣登船
景区游步道护栏松动 | 游步道 | 加固护栏
玻璃栈道未定期检测 | 玻璃栈道 | 委托检测机构检测
游乐设施未办理使用登记 | 游乐场 | 办理使用登记，检验合格后使用
景区未核定最大承载量 | 景区 | 核定并公布最大承载量
高空项目安全绳磨损 | 高空体验项目 | 更换安全绳
农家乐液化气钢瓶与灶具同室 | 农家乐厨房 | 设置独立气瓶间
地质灾害隐患点未设置警示标志 | 景区边坡 | 设置警示标志，安排专人巡查
汛期未落实闭园措施 | 景区 | 制定汛期闭园预案
观光车超载 | 景区观光车 | 严禁超载
应急救援物资不足 | 游客中心 | 补充应急救援物资
民宿消防设施不全 | 民宿 | 配齐消防设施
游客中心安全出口标识缺失 | 游客中心 | 设置安全出口标识
景区消防通道被摊位占用 | 景区入口 | 清理摊位，保持通道畅通
"""

_SCHOOL = """
学生宿舍采用可燃芯材彩钢夹芯板搭建 | 学生宿舍 | 拆除或更换为A级不燃芯材 | 第6.10条
学生宿舍夜间安全出口上锁 | 学生宿舍 | 夜间安排值班人员，安全出口不得锁闭
食堂燃气管道老化 | 食堂 | 更换燃气管道
食堂未安装燃气泄漏报警装置 | 食堂操作间 | 安装燃气泄漏报警和切断装置
教学楼疏散楼梯堆放杂物 | 教学楼楼梯间 | 清理杂物
实验室化学品未实行双人双锁管理 | 化学实验室 | 落实双人双锁管理
体育器械松动 | 操场 | 加固或更换体育器械
校园围墙开裂 | 围墙 | 修复围墙
宿舍内私拉电线、使用违规电器 | 学生宿舍 | 拆除私拉电线，收缴违规电器
消火栓无水 | 教学楼 | 检修消防供水
未开展应急疏散演练 | 学校 | 每学期至少组织一次应急疏散演练
校门口未设置防冲撞设施 | 校门口 | 设置防冲撞隔离桩
配电房未上锁 | 配电房 | 配电房上锁，专人管理
教室吊顶松动 | 教学楼教室 | 加固吊顶
宿舍床铺护栏高度不足 | 学生宿舍 | 加高床铺护栏
防溺水警示牌缺失 | 学校周边水塘 | 设置防溺水警示牌
食堂排油烟罩油污积聚 | 食堂 | 定期清洗排油烟罩
"""

_OTHER = """
喷漆房未设置通风设施，电气设备不防爆 | 喷漆房 | 安装防爆排风和防爆电气
废品堆放杂乱，占用消防通道 | 废品堆场 | 分类堆放，清理消防通道
电动自行车维修店店内集中充电 | 维修店 | 设置室外充电区
沼气池未设置防护盖板 | 养殖场 | 加装防护盖板和警示标志
汽车举升机保险装置失效 | 维修车间 | 修复举升机保险装置
废油漆桶随意堆放 | 院内 | 设置危废暂存间
轮胎充气未设置防护笼 | 轮胎店 | 配备轮胎充气防护笼
前店后宅，经营与居住未分隔 | 门面 | 进行防火分隔
氧气瓶、乙炔瓶混放 | 维修车间 | 分开存放，间距不小于5米
蓄电池充电区通风不良 | 充电区 | 加强通风，设置禁火标志
"""


@dataclass(frozen=True)
class Finding:
    description: str
    locations: tuple[str, ...]
    measures: str
    article: str | None  # the article of the family's standard that makes it 重大; None: never 重大


@dataclass(frozen=True)
class Family:
    """Findings of one kind of place, and the standard that judges its 重大 ones."""

    name: str
    text: str
    standard: str | None = None
    management: bool = False  # 基础管理 rather than 现场管理

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        out = []
        for line in self.text.strip().splitlines():
            parts = [p.strip() for p in line.split("|")]
            out.append(Finding(parts[0], tuple(parts[1].split("、")), parts[2], parts[3] if len(parts) > 3 else None))
        return tuple(out)

    @cached_property
    def majors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.article)

    def basis(self, finding: Finding, found: str) -> str:
        """判定依据 of a finding discovered on ``found`` (ISO date), in the form a ledger writes it."""
        if self.standard == "消防":
            # GB 35181-2025 replaced the 2017 判定方法 on 2025-11-01; fire hazards are judged by the brigade.
            if found >= "2025-11-01":
                return "GB 35181-2025《重大火灾隐患判定规则》，经县消防救援大队集体讨论判定"
            return f"GB 35181-2017《重大火灾隐患判定方法》{finding.article}"
        if self.standard == "自建房":
            return (f"房屋安全鉴定报告（{finding.article}）；《全国自建房安全专项整治工作方案》"
                    "（国办发明电〔2022〕10号）")
        return f"《{self.standard}》{finding.article}"


_TRADE = "工贸企业重大事故隐患判定标准"
FIRE = Family("消防", _FIRE)
ELECTRIC = Family("电气", _ELECTRIC)
MANAGEMENT = Family("管理", _MANAGEMENT, management=True)
FAMILIES = {
    "危化": Family("危化", _HAZCHEM, "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）"),
    "非煤矿山": Family("非煤矿山", _MINE, "金属非金属矿山重大事故隐患判定标准"),
    "烟花爆竹": Family("烟花爆竹", _FIREWORKS, "烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）"),
    "金属冶炼": Family("金属冶炼", _SMELTING, _TRADE),
    "涉爆粉尘": Family("涉爆粉尘", _DUST, _TRADE),
    "钢铁/铝加工": Family("钢铁/铝加工", _ALUMINIUM, _TRADE),
    "工贸其他": Family("工贸其他", _INDUSTRY, _TRADE),
    "建筑施工": Family("建筑施工", _CONSTRUCTION, "房屋市政工程生产安全重大事故隐患判定标准（2022版）"),
    "燃气": Family("燃气", _GAS, "城镇燃气经营安全重大隐患判定标准"),
    "交通运输": Family("交通运输", _TRANSPORT, "道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）"),
    "特种设备使用": Family("特种设备使用", _EQUIPMENT),
    "人员密集场所": Family("人员密集场所", _CROWDED, "消防"),
    "自建房经营": Family("自建房经营", _SELF_BUILT, "自建房"),
    "文旅": Family("文旅", _TOURISM),
    "学校": Family("学校", _SCHOOL, "消防"),
    "其他": Family("其他", _OTHER),
}
# Where a sector's hazards come from: its own findings mostly, fire, electrical and management ones besides.
MIX = {"own": 55, "fire": 20, "electric": 13, "management": 12}

# ---------------------------------------------------------------------------------------------------------
# Units: how many of each sector a township has, and what they are called.
# ---------------------------------------------------------------------------------------------------------

SECTOR_WEIGHTS = {
    "危化": 12, "非煤矿山": 8, "烟花爆竹": 14, "金属冶炼": 4, "涉爆粉尘": 12, "钢铁/铝加工": 6, "工贸其他": 40,
    "建筑施工": 18, "燃气": 8, "交通运输": 10, "特种设备使用": 12, "人员密集场所": 55, "自建房经营": 40,
    "文旅": 10, "学校": 16, "其他": 15,
}
# How often a unit of the sector is inspected and found wanting, relative to an ordinary shop.
HAZARD_WEIGHTS = {"建筑施工": 1.6, "自建房经营": 0.6, "学校": 0.8}

# {z} 字号, {t} the township's name without 镇/乡/街道, {v} a village's name without 村/社区, {p} a person.
NAMES = {
    "危化": ["平江县{z}石油经营有限公司{v}加油站", "{v}{z}加油站", "平江县{z}化工有限公司", "平江县{z}危险化学品经营部",
           "{t}{z}油漆化工店", "平江县{z}气体有限公司"],
    "非煤矿山": ["平江县{z}石料有限公司", "平江县{v}{z}采石场", "平江县{z}矿业有限公司", "平江县{z}花岗岩开采有限公司"],
    "烟花爆竹": ["平江县{z}烟花爆竹有限公司", "{v}{z}烟花爆竹零售点", "{t}{z}烟花爆竹零售点", "{t}{z}烟花爆竹批发部"],
    "金属冶炼": ["平江县{z}铸造有限公司", "平江县{z}再生金属冶炼有限公司", "平江县{z}精密铸造厂"],
    "涉爆粉尘": ["平江县{z}木业有限公司", "平江县{z}竹木制品厂", "平江县{z}家具有限公司", "{t}{z}面粉加工厂",
             "平江县{z}饲料有限公司"],
    "钢铁/铝加工": ["平江县{z}铝业有限公司", "平江县{z}铝型材厂", "平江县{z}钢结构有限公司", "平江县{z}金属制品有限公司"],
    "工贸其他": ["平江县{z}食品有限公司", "湖南{z}食品有限公司", "平江县{z}纺织有限公司", "{t}{z}石材加工厂",
             "平江县{z}茶业有限公司", "平江县{z}酒业有限公司", "平江县{z}机械制造有限公司", "平江县{z}印刷包装有限公司",
             "平江县{z}塑料制品厂", "平江县{z}服饰有限公司", "平江县{z}新材料有限公司", "平江县{z}米业有限公司"],
    "建筑施工": ["{t}{v}安置小区建设项目", "平江县{z}商住楼建设项目", "{t}{z}家园二期工程", "{v}综合服务楼建设项目",
             "{t}集镇污水管网工程（{z}标段）", "平江县{z}厂房建设项目"],
    "燃气": ["平江县{z}液化气有限公司", "{t}{z}瓶装液化气供应站", "{v}{z}液化气供应点"],
    "交通运输": ["平江县{z}汽车运输有限公司", "平江县{z}物流有限公司", "{t}{z}货运部", "平江县{z}客运有限公司{t}站"],
    "特种设备使用": ["平江县{z}商品混凝土有限公司", "平江县{z}物业管理有限公司", "{t}{z}机砖厂", "平江县{z}沥青搅拌站",
               "平江县{z}建材有限公司"],
    "文旅": ["{v}{z}山庄", "平江县{z}漂流有限公司", "{v}{z}农家乐", "{t}{z}生态旅游区", "{v}{z}民宿",
           "平江县{z}旅游开发有限公司"],
    "学校": ["平江县第{cn}中学", "{t}中学", "{t}中心小学", "{v}小学", "平江县{z}学校", "平江县{z}职业技术学校"],
    "其他": ["{t}{z}汽车维修厂", "{v}{z}废品回收站", "{t}{z}电动车维修店", "{v}{z}养殖场", "{t}{z}轮胎店"],
    "自建房经营": ["{village}{k}组{p}自建房（{use}）"],
}
CROWDED_NAMES = {
    "公众聚集场所": ["{t}{z}宾馆", "{z}大酒店", "{z}购物广场", "{t}{z}超市", "{z}量贩式KTV", "{z}网吧", "{t}农贸市场",
               "{z}酒家", "{z}足浴城", "{t}{z}商贸城"],
    "医院门诊/病房楼": ["{t}卫生院", "平江{z}医院", "{v}卫生室"],
    "养老院/福利院/托儿所/幼儿园": ["{t}敬老院", "平江县{z}养老院", "{t}{z}幼儿园", "{t}中心幼儿园", "{v}幼儿园"],
    "公共图书馆阅览室/展览馆/博物馆展厅": ["{t}综合文化站"],
    "劳动密集型企业车间和员工集体宿舍": ["平江县{z}鞋业有限公司", "平江县{z}电子有限公司", "平江县{z}制衣厂"],
    "旅游/宗教活动场所": ["{v}{z}寺", "{v}观音阁"],
}
CROWDED_WEIGHTS = {"公众聚集场所": 60, "医院门诊/病房楼": 6, "养老院/福利院/托儿所/幼儿园": 16,
                   "公共图书馆阅览室/展览馆/博物馆展厅": 2, "劳动密集型企业车间和员工集体宿舍": 10, "旅游/宗教活动场所": 4}
SELF_BUILT_USES = ["民宿", "出租房", "餐馆", "小超市", "家庭旅馆", "麻将馆", "门面出租", "农资店"]
LEAD_DEPT = {
    "危化": "县应急管理局", "非煤矿山": "县应急管理局", "烟花爆竹": "县应急管理局", "金属冶炼": "县应急管理局",
    "涉爆粉尘": "县应急管理局", "钢铁/铝加工": "县应急管理局", "工贸其他": "县应急管理局", "建筑施工": "县住建局",
    "燃气": "县城管局", "交通运输": "县交通运输局", "特种设备使用": "县市场监管局", "人员密集场所": "县消防救援大队",
    "自建房经营": "县住建局", "文旅": "县文旅广体局", "学校": "县教育局", "其他": "乡镇（街道）",
}
ZIHAO = (
    "鑫源", "宏达", "恒通", "金盛", "兴旺", "永丰", "华盛", "天岳", "汨水", "幕阜", "福寿", "富民", "昌盛", "隆鑫", "泰和", "长青", "天成",
    "鸿运", "顺发", "瑞丰", "新华", "和顺", "锦程", "宏发", "盛达", "通达", "安泰", "众鑫", "志远", "博源", "嘉禾", "聚源", "祥和", "金源",
    "湘平", "联合", "东方", "鼎盛", "华兴", "伟业", "诚信", "荣兴", "明辉", "汇丰", "金鹏", "银河", "润泽", "裕丰", "腾达", "鑫达", "佳和",
    "宏图", "旺达", "振兴", "龙腾", "金辉", "天利", "惠民", "盛世", "兴隆", "广源", "正泰", "恒昌", "德馨", "永兴", "富达", "金桥", "红星",
    "山河", "青松", "翠竹", "幕云", "连云", "石牛", "汇鑫", "久安", "新安", "百顺", "康达", "乐天", "长盛",
)
VILLAGE_STEMS = (
    "联星", "桥头", "大坪", "梅溪", "新塘", "黄金", "高坪", "石坪", "白石", "长田", "龙泉", "燕塘", "杨梅", "枫树", "湘东", "金塘", "三联",
    "晓阳", "青山", "荷塘", "和平", "红旗", "团山", "五里", "仙江", "冬塔", "竹山", "黄泥", "芦洞", "太平", "长兴", "丰收", "新合", "秀水",
    "东源", "胜利", "白沙", "洞口", "清溪", "黄龙", "凤凰", "云峰", "松坪", "沙坪", "龙湾", "福星", "坪上", "田心", "石桥", "谢家", "汤家",
    "李家", "毛家", "金窝", "横槎", "咏生", "南桥", "东山", "西岭", "茶园", "花园", "新屋", "栗山",
)
SURNAMES = (
    "李", "张", "吴", "陈", "余", "黄", "钟", "刘", "罗", "杨", "周", "胡", "何", "凌", "方", "朱", "徐", "邓", "彭", "唐",
    "汤", "童", "毛", "喻", "叶", "冯", "艾", "江", "谢", "林", "廖", "苏", "龚", "曾", "严",
)
GIVEN = (
    "国华", "建军", "志强", "海波", "春华", "建平", "卫东", "红梅", "丽华", "小平", "德胜", "文军", "新民", "爱民", "桂英", "秀英", "永红",
    "俊杰", "伟", "敏", "勇", "强", "军", "芳", "静", "磊", "洋", "涛", "超", "斌", "明", "辉", "鹏", "刚", "平", "杰", "娟",
    "霞", "燕", "波", "亮", "峰", "林", "华", "军辉", "志军", "建华", "立新", "红兵", "金华", "运良", "正华", "春生", "冬梅", "菊香",
    "细毛", "满意", "石林", "湘平", "岳林", "跃进",
)
CHINESE_NUMBERS = (
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
)

# ---------------------------------------------------------------------------------------------------------
# Lifecycle texts.
# ---------------------------------------------------------------------------------------------------------

EXTEND_REASONS = (
    "整改所需设备采购周期长，需厂家定制", "雨季无法施工，申请延期", "资金筹措困难，已制定分期整改计划",
    "春节前后停工，无法按期完成", "整改方案需报县住建局审核", "需委托设计单位出具改造方案",
    "涉及停产改造，需安排在生产淡季", "检测机构排期，无法按期出具检测报告", "整改工程量大，需分阶段实施",
    "需协调供电部门停电施工",
)
FAIL_NOTES = (
    "整改不彻底，现场仍存在同类问题", "整改措施未落实到位，需重新整改", "仅作临时处理，未从根本上消除隐患",
    "现场与整改报告不符，责令重新整改", "整改资料不全，需补充完善后再次复查",
)
PASS_NOTES = ("经现场复查，整改到位", "复查合格，隐患已消除", "现场核实整改完成，符合要求")
INTERIM_CONTROLS = (
    "设置警戒区域，停止相关区域作业", "停产停业整改，撤出作业人员", "安排专人24小时值守巡查",
    "限制营业人数，增配灭火器材", "每日开展专项巡查并记录", "暂停使用相关设备设施，悬挂禁用标识",
)
REFERRERS = ("县消防救援大队", "县市场监管局", "县住建局", "县城管局")


def load_demo(session: Session, *, seed: int = 1, hazards: int | None = None, progress: Progress | None = None,
              cancelled: Callable[[], bool] | None = None) -> dict:
    """Write the demo dataset and return how much: ``units``; ``hazards`` (as many as asked for) and of them
    ``found_at_inspections``; ``events``; of the hazards ``major`` (重大), ``open`` (未销号) and ``overdue``
    (逾期 as of ``session.today()``); ``inspections`` (the reviews, 检查方式 整改复查, included),
    ``documents`` issued and ``attachments``.

    Of the ``hazards``, the year's inspections (see demo_inspections) find some, the five years' ledger has
    the rest; they are written in the order of their dates, so that the numbers follow discovery.
    All or nothing: one transaction, so a cancel (``cancelled()`` returning True, asked between batches of
    2,000 hazards and between inspections) or a failure leaves the station as it was (the files of documents
    and photos written meanwhile removed too); a cancel raises PjdeskError.
    ``progress(done, total)`` counts the units, the ledger's hazards and the inspections written.
    """
    station = session.require_station()
    n_hazards = DEFAULT_HAZARDS if hazards is None else hazards
    if not 0 <= n_hazards <= MAX_HAZARDS:
        raise PjdeskError(f"演示数据的隐患条数应在 0 到 {MAX_HAZARDS:,} 之间")
    world = DemoWorld(seed, session.today(), station.code, session.operator or "演示")
    units = world.make_units(unit_count(n_hazards, len(world.townships)))
    mark_units(units)  # 双重预防, 一会三卡, 入园新建 and 三同时, from each unit's id
    store, operator = session.store, session.operator
    # The same seed, size and day make the same ids: this set is here already (deleted ones count too, as
    # their ids stay taken). Another seed is another set, added beside it.
    if any(store.get(UNIT, unit["id"]) is not None for unit in units):
        raise PjdeskError(f"演示数据已载入：本站点已有这套演示数据（种子 {seed}），未再写入。"
                          f"如要再添一套，请在命令行运行 pjdesk demo --seed {seed + 1}；如要重新开始，请换一个数据目录。")
    # The year's inspections find some of the hazards asked for; the five years' ledger has the others.
    year = DemoInspections(world, session, units, seed, n_hazards)
    ledger_hazards = n_hazards - year.found_planned
    total = len(units) + ledger_hazards + year.planned
    counts = {"units": len(units), "hazards": 0, "events": 0, "major": 0, "open": 0, "overdue": 0}

    def report() -> None:
        _report(progress, len(units) + counts["hazards"] + year.done, total)

    with _files_kept_only_if_written(session), store.transaction():
        for code, rows in _by_township(units):
            store.insert_many(UNIT, rows, township=code, operator=operator)
        report()
        for batch in world.hazard_batches(units, ledger_hazards):
            if cancelled and cancelled():
                raise PjdeskError("已取消载入演示数据，未写入任何数据")
            # The year's inspections are taken between the ledger's hazards, on their days.
            days = [hazard["found_date"] for hazard, _ in batch]
            start = 0
            while start < len(batch):
                due = year.next_day()
                end = len(batch) if due is None else bisect.bisect_right(days, due, start)
                _write_hazards(store, batch[start:end], operator)
                start = end
                if start < len(batch):
                    year.run_before(days[start], cancelled, report)
            for hazard, hazard_events in batch:
                counts["major"] += hazard["level"] == MAJOR
                if not hazard_events or hazard_events[-1]["kind"] != CLOSE:
                    counts["open"] += 1
                    counts["overdue"] += world.is_overdue(hazard, hazard_events)
            store.flush()  # a batch's hazards are complete with their events: derive their state now
            counts["hazards"] += len(batch)
            counts["events"] += sum(len(hazard_events) for _, hazard_events in batch)
            report()
        year.run_before(None, cancelled, report)
        _count_inspection_hazards(store, year, world, counts)
        people = DemoPeople(seed, session.today(), units)  # the units' rosters, training and certificates
        people.plan()
        counts.update(people.write(store, operator))
        emergency = DemoEmergency(seed, session.today(), units)  # plans, drills with their problems, teams
        emergency.plan()
        counts.update(emergency.write(store, operator))
        plan_records = DemoPlanRecords(seed, session.today(), units)  # accidents, fires, road checks, rewards …
        plan_records.plan()
        counts.update(plan_records.write(store, operator))
        reported = DemoProgress(seed, session.today(), [t.code for t in world.townships], station.is_county)
        reported.plan()  # 目标进展: the township-level rows by quarter (and on the county, the county's)
        counts.update(reported.write(store, operator))
        _report(progress, total, total)
        if station.is_county:
            # One report a township and month: a second demo (another seed) finds the months already there.
            reported = {row["bundle"] for row in sync_store.imports_from(store)}
            for report_row in world.report_history(REPORT_MONTHS):
                if report_row["bundle_id"] not in reported:
                    sync_store.record_import(store, **report_row)
            demo_forest_areas(session, seed)  # each township's 森林总面积, as a county's 森林资源调查 gives them
    return counts


def _write_hazards(store, batch: list[tuple[dict, list[dict]]], operator: str | None) -> None:
    for code, rows in _by_township([hazard for hazard, _ in batch]):
        store.insert_many(HAZARD, rows, township=code, operator=operator)
    for code, rows in _by_township([e for _, hazard_events in batch for e in hazard_events]):
        store.insert_many(HAZARD_EVENT, rows, township=code, operator=operator)


def _count_inspection_hazards(store, year: DemoInspections, world: DemoWorld, counts: dict) -> None:
    """Add what the year's inspections wrote to the counts, the hazards they found judged as the ledger's
    own are (the core's rules, from their stored events)."""
    found = year.found_hazards
    for hazard_id in found:
        hazard = store.get(HAZARD, hazard_id)
        events = ledger.events_of(store, hazard_id)
        state = derive_state(hazard, events)
        counts["major"] += hazard["level"] == MAJOR
        counts["events"] += len(events)
        if state.status != CLOSED:
            counts["open"] += 1
            counts["overdue"] += state.is_overdue(world.iso(world.today))
    counts["hazards"] += len(found)
    counts.update(year.counts)


@contextlib.contextmanager
def _files_kept_only_if_written(session: Session) -> Iterator[None]:
    """The documents' and photos' files written for a load that then failed or was cancelled are removed:
    a station is left as it was (a file that was there before stays)."""
    folders = [documents_folder(session), files_of(session.store).folder]
    before = {path for folder in folders if folder.is_dir() for path in folder.rglob("*")}
    try:
        yield
    except BaseException:
        for folder in folders:
            if folder.is_dir():
                for path in sorted(folder.rglob("*"), reverse=True):
                    if path not in before and path.is_file():
                        path.unlink(missing_ok=True)
        raise


def unit_count(hazards: int, places: int = 1) -> int:
    """About one unit for every eleven hazards of five years, at most a large township's worth per township,
    and never fewer than a couple of each sector."""
    return max(len(SECTOR_WEIGHTS) + 8, min(round(hazards / HAZARDS_PER_UNIT), MAX_UNITS_PER_TOWNSHIP * places))


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress:
        progress(done, total)


def _by_township(rows: list[dict]) -> Iterator[tuple[str, list[dict]]]:
    """Rows grouped by township, in first-seen order (a township station has one group)."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["township"], []).append(row)
    return iter(groups.items())


class DemoWorld:
    """The seeded generator. Every choice comes from one ``random.Random(seed)``, drawn in a fixed order.

    Days are handled as ordinals (``date.toordinal()``): a couple of hundred thousand hazards with five
    events each make date arithmetic and ``random.choice`` the cost that matters, so the hot paths use
    ``random()`` and integer days.
    """

    def __init__(self, seed: int, today: dt.date, station_code: str, operator: str):
        self.rng = random.Random(seed)
        self._random = self.rng.random
        self.today = today.toordinal()
        self.start = self.today - round(YEARS * 365.25)
        places = townships() if station_code == COUNTY_CODE else [township(station_code)]
        self.townships = [t for t in places if t.kind != "园区"] or places
        self.villages = {t.code: self._villages(t) for t in self.townships}
        # Each township's safety officers; on a township station the operator is one of them.
        self.officers = {t.code: [self.person() for _ in range(4)] for t in self.townships}
        if station_code in self.officers:
            self.officers[station_code][0] = operator
        self.abbreviations = {t.code: _stem(t.name) for t in self.townships}
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.doc_serial: dict[tuple[str, int], int] = {}
        self.sectors = list(SECTOR_WEIGHTS)
        self.sector_cum = list(itertools.accumulate(SECTOR_WEIGHTS.values()))
        self.hazard_tags = set(vocabulary("hazard_tag"))
        self._iso: dict[int, str] = {}
        self._midnight_ms: dict[int, int] = {}

    # --- cheap draws ------------------------------------------------------------------------------------
    def pick(self, items):
        return items[int(self._random() * len(items))]

    def between(self, low: int, high: int) -> int:
        """An integer from low up to high, high excluded."""
        return low + int(self._random() * (high - low))

    def two(self, people: list[str]) -> str:
        """Two different people of the list, as an inspection record names them (random.sample is slow)."""
        first = int(self._random() * len(people))
        second = (first + 1 + int(self._random() * (len(people) - 1))) % len(people)
        return f"{people[first]}、{people[second]}"

    def chance(self, p: float) -> bool:
        return self._random() < p

    def iso(self, day: int) -> str:
        text = self._iso.get(day)
        if text is None:
            text = self._iso[day] = dt.date.fromordinal(day).isoformat()
        return text

    # --- people and places ----------------------------------------------------------------------------
    def person(self) -> str:
        return self.pick(SURNAMES) + self.pick(GIVEN)

    def phone(self) -> str:
        return "1" + self.pick("3456789") + f"{self.between(0, 10**9):09d}"

    def _villages(self, place: Township) -> list[str]:
        stem = _stem(place.name)
        chosen = self.rng.sample(VILLAGE_STEMS, 14)
        return [f"{stem}社区", f"{stem}村"] + [f"{s}社区" if i < 2 else f"{s}村" for i, s in enumerate(chosen)]

    # --- units ----------------------------------------------------------------------------------------
    def make_units(self, n: int) -> list[dict]:
        # Every sector once, then the rest in the proportions of a rural township.
        sectors = self.sectors + [self._weighted(self.sectors, self.sector_cum) for _ in range(n - len(self.sectors))]
        return [self.unit(sector) for sector in sectors]

    def unit(self, sector: str) -> dict:
        place = self.pick(self.townships)
        village = self.pick(self.villages[place.code])
        crowded = self.rng.choices(list(CROWDED_WEIGHTS), list(CROWDED_WEIGHTS.values()))[0] \
            if sector == "人员密集场所" else None
        principal = self.person()
        group = self.between(1, 13)  # 村民小组
        name = self._unit_name(sector, crowded, place, village, principal, group)
        no_licence = sector in ("烟花爆竹", "自建房经营", "其他", "危化", "非煤矿山") and self.chance(0.04)
        status = self.rng.choices(("正常", "停产", "关闭"), (90, 6, 4))[0]
        if no_licence:
            status = self.pick(("取缔", "正常"))
        registered = self.start - self.between(30, 400)
        # A building site is registered under its contractor, whose code it carries.
        contractor = f"施工单位：湖南{self.pick(ZIHAO)}建设工程有限公司" if sector == "建筑施工" else None
        high_risk = is_high_risk_sector(sector)
        return {
            "id": self.make_id(registered),
            "township": place.code,
            "name": name,
            "uscc": None if no_licence else self._credit_code(contractor or name, sector),
            "no_licence": 1 if no_licence else 0,
            "sector": sector,
            "is_high_risk": 1 if high_risk else 0,
            "crowded_type": crowded,
            "is_above_scale": 1 if name.endswith("有限公司") and self.chance(0.3) else 0,
            "village": village,
            "address": self._address(place, village, group),
            "principal": principal,
            "phone": self.phone(),
            "status": status,
            "lead_dept": LEAD_DEPT[sector],
            "note": "打非治违中发现，无证照经营" if no_licence else contractor,
            # Not record fields (the write path ignores them): what the unit's hazards are drawn from.
            "_weight": 2.0 if high_risk else HAZARD_WEIGHTS.get(sector, 1.0),
            "_closed": status in ("关闭", "取缔"),
            "_safety": self.person(),  # its safety manager, who reports what the unit finds itself
        }

    def _unit_name(self, sector, crowded, place, village, principal, group) -> str:
        templates = CROWDED_NAMES[crowded] if crowded else NAMES[sector]
        name = ""
        for _ in range(30):
            name = self.pick(templates).format(
                z=self.pick(ZIHAO), t=_stem(place.name), v=_stem(village), village=village, p=principal,
                k=group, use=self.pick(SELF_BUILT_USES), cn=self.pick(CHINESE_NUMBERS))
            if name not in self.names:
                break
        else:  # a county-sized demo runs out of plausible names: number the branches
            base, k = name, 2
            while name in self.names:
                name, k = f"{base}（{k}号）", k + 1
        self.names.add(name)
        return name

    def _credit_code(self, name: str, sector: str) -> str:
        """A 统一社会信用代码 of 平江县 (430626) that passes GB 32100's check, and GB 11714's inside it."""
        while True:
            if name.endswith(("中学", "小学", "卫生院", "敬老院", "文化站", "中心幼儿园")):
                head, body = "12", "".join(self.pick("0123456789") for _ in range(8))  # 事业单位
            elif sector == "学校":
                head, body = "52", "MJ" + "".join(self.pick("0123456789") for _ in range(6))  # 民办学校
            else:
                head = "91" if "公司" in name else "92"  # 企业 / 个体工商户
                body = "MA4" + "".join(self.pick(_USCC_CHARS) for _ in range(5))
            code17 = head + "430626" + body + _gb11714_check(body)
            code = code17 + gb32100.calc_check_digit(code17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _address(self, place: Township, village: str, group: int) -> str:
        if village.endswith("社区"):
            road = self.pick(("人民路", "新华路", "天岳大道", "建设路", "解放路", "环城路"))
            return f"平江县{place.name}{village}{road}{self.between(1, 300)}号"
        return f"平江县{place.name}{village}{group}组"

    # --- hazards --------------------------------------------------------------------------------------
    def hazard_batches(self, units: list[dict], n: int) -> Iterator[list[tuple[dict, list[dict]]]]:
        """Hazards in order of discovery (so that their numbers follow it), each with its events."""
        days = sorted(self._found_day() for _ in range(n))
        weights = list(itertools.accumulate(u["_weight"] for u in units))
        active = [u for u in units if not u["_closed"]] or units
        active_weights = list(itertools.accumulate(u["_weight"] for u in active))
        recent = self.today - 365
        for start in range(0, n, BATCH):
            batch = []
            for found in days[start:start + BATCH]:
                # A unit closed by now was last inspected more than a year ago, while it still worked.
                unit = self._weighted(active, active_weights) if found >= recent else self._weighted(units, weights)
                batch.append(self.hazard(unit, found))
            yield batch

    def _found_day(self) -> int:
        span = self.today - self.start
        # More entries in later years (the ledger was taken up gradually), and few on Sundays.
        u = self._random()
        day = self.start + min(round(span * (u if self._random() < 0.5 else u ** 0.6)), span)
        if day % 7 == 0 and self._random() < 0.8:  # ordinal % 7 == 0 is a Sunday
            day -= 1 + (self._random() < 0.5)
        return max(day, self.start)

    def hazard(self, unit: dict, found: int) -> tuple[dict, list[dict]]:
        sector = unit["sector"]
        own = FAMILIES[sector]
        major = bool(own.majors) and self.chance(0.09 if unit["is_high_risk"] else 0.03)
        if major:
            family, finding = own, self.pick(own.majors)
        else:
            family = self._family(own)
            finding = self.pick(family.findings)
        description = finding.description
        if "{n}" in description:
            description = description.replace("{n}", str(self.between(2, 7)))
        source = self._source(major)
        deadline = found + (self.between(30, 181) if major else self.pick(DEADLINE_DAYS))
        hazard = {
            "id": self.make_id(found),
            "township": unit["township"],
            "unit_id": unit["id"],
            "description": description,
            "location": self.pick(finding.locations),
            "level": MAJOR if major else "一般",
            "category": "基础管理" if family.management else "现场管理",
            "sector": sector,
            "source": source,
            "found_date": self.iso(found),
            "found_by": self._finder(unit, source),
            "resp_unit": unit["name"],
            "resp_person": unit["principal"] if self.chance(0.5) else unit["_safety"],
            "measures": finding.measures,
            "funds": self._funds(major, family),
            "deadline": self.iso(deadline),
            "interim_controls": self.pick(INTERIM_CONTROLS) if major or self.chance(0.1) else None,
        }
        if major:
            self._major_items(hazard, unit, family, finding, found)
        hazard["tags"] = self._tags(hazard, unit) or None
        return hazard, self.lifecycle(hazard, unit, found, deadline)

    def _family(self, own: Family) -> Family:
        r = self._random() * 100
        if r < MIX["own"]:
            return own
        if r < MIX["own"] + MIX["fire"]:
            return FIRE
        if r < MIX["own"] + MIX["fire"] + MIX["electric"]:
            return ELECTRIC
        return MANAGEMENT

    def _source(self, major: bool) -> str:
        return self._weighted(SOURCES, SOURCE_WEIGHTS_MAJOR if major else SOURCE_WEIGHTS)

    def _finder(self, unit: dict, source: str) -> str:
        if source == "企业自查":
            return unit["_safety"]
        if source == "乡镇检查":
            return self.two(self.officers[unit["township"]])
        if source == "部门执法":
            return f"{unit['lead_dept'] if self.chance(0.5) else '县应急管理局'} {self.person()}、{self.person()}"
        if source == "上级交办":
            return self.pick(("县安委办督查组", "岳阳市安委会暗查暗访组", "县安委会第二督查组"))
        if source == "群众举报":
            return "群众举报（12350）"
        if source == "部门移送":
            return f"{self.pick(REFERRERS)}移送"
        return "平江县融媒体中心"

    def _funds(self, major: bool, family: Family) -> int | None:
        """整改资金 in 分: tens of thousands of 元 for a 重大 hazard, hundreds for most others, none for paperwork."""
        if major:
            return self.between(2, 60) * 1_000_000
        if family.management and self.chance(0.7):
            return None
        return self.pick(GENERAL_FUNDS_YUAN) * 100

    def _major_items(self, hazard: dict, unit: dict, family: Family, finding: Finding, found: int) -> None:
        """判定依据, the five must-haves, 挂牌督办 and 一单四制 of a 重大 hazard; a few recent ones lack some (待补充)."""
        year = dt.date.fromordinal(found).year
        hazard["major_basis"] = family.basis(finding, hazard["found_date"])
        hazard["emergency_plan"] = f"已制定《{hazard['description'][:12]}专项应急处置方案》，明确警戒、疏散和报告程序"
        hazard["governance_plan"] = (
            f"目标任务：{hazard['deadline']}前消除隐患；方法措施：{hazard['measures']}；"
            f"经费物资：落实整改资金{hazard['funds'] // 1_000_000}万元；机构人员：成立以{unit['principal']}为组长的整改小组；"
            f"时限要求：{hazard['deadline']}前完成；安全措施和应急预案：{hazard['interim_controls']}，落实专项应急处置方案")
        hazard["ledger_date"] = self.iso(min(found + self.between(0, 4), self.today))
        if unit["is_high_risk"] or self.chance(0.3):
            hazard["assignment_no"] = f"平安委交〔{year}〕{self.between(1, 60)}号"
        if self.chance(0.4):
            county = self.chance(0.75)
            hazard["supervision_level"] = "县级" if county else "市级"
            hazard["supervision_body"] = "平江县安全生产委员会办公室" if county else "岳阳市安全生产委员会办公室"
            hazard["supervision_date"] = self.iso(min(found + self.between(1, 8), self.today))
            hazard["supervision_doc_no"] = f"{'平' if county else '岳'}安办督〔{year}〕{self.between(1, 40)}号"
        if self.today - found < 365 and self.chance(0.3):
            for name in self.rng.sample(("emergency_plan", "funds", "major_basis", "resp_person"), self.pick((1, 1, 2))):
                hazard[name] = None

    def _tags(self, hazard: dict, unit: dict) -> str:
        tags = []
        text, sector = hazard["description"], unit["sector"]
        if sector in CROWDED_SECTORS and ("安全出口" in text or "疏散" in text) and any(w in text for w in BLOCKED):
            tags.append("人员密集场所封堵安全出口/疏散通道")
        if sector in SECTOR_TAGS:
            tags.append(SECTOR_TAGS[sector])
        if hazard["level"] == MAJOR and unit["is_high_risk"]:
            tags.append("高危企业一单四制")
        if unit["no_licence"]:
            tags.append("打非治违")
        if hazard["found_date"] < "2024-01-01" and self.chance(0.03):
            tags.append("专项整治回头看")
        elif (unit["is_high_risk"] and hazard["found_date"] >= self.iso(self.today - 365)
              and int(hazard["id"][-4:], 16) % 12 == 0):
            # The year's 潜在风险重大隐患回头看 at high-risk units (T01). Chosen by the id, not drawn from the
            # stream, so that every other record of a seed stays as it was.
            tags.append("潜在风险重大隐患回头看")
        return "|".join(t for t in tags if t in self.hazard_tags)

    # --- lifecycle --------------------------------------------------------------------------------------
    def lifecycle(self, hazard: dict, unit: dict, found: int, deadline: int) -> list[dict]:
        """整改通知 → (延期) → 整改完成 → 复查 (不合格 → 再整改 → 复查) → 销号, cut at today.

        Most old hazards are 销号; a few stall (never completed, or never reviewed) and stay open and overdue;
        a 重大 hazard still lacking 判定依据 or one of its five items is never 销号.
        """
        major = hazard["level"] == MAJOR
        officers = self.officers[unit["township"]]
        steps: list[tuple] = []  # (kind, day, result, actor, new deadline, note)
        notice = found + self.pick(NOTICE_LAG_DAYS)
        if hazard["source"] != "企业自查":  # what a unit finds itself it fixes without the township's notice
            steps.append((NOTICE, notice, None, self.pick(officers), None, self._notice_note(unit, notice)))
        due = deadline
        if self.chance(0.3 if major else 0.07):
            asked = notice + self.between(0, max(1, due - notice + 1))
            due += self.between(30, 121) if major else self.between(10, 46)
            steps.append((EXTEND, asked, None, self.pick(officers), due, self.pick(EXTEND_REASONS)))
        last = max(found, steps[-1][1]) if steps else found
        if self.chance(0.88):  # on time, mostly well before the deadline
            done = notice + round(max(due - notice, 0) * self._random() ** 0.7)
        else:
            done = due + self.between(1, 25)
        done = max(done, last)
        fixer = hazard["resp_person"] or unit["principal"]
        if major:
            reviewer = f"县应急管理局 {self.person()}、{self.pick(officers)}"
        else:
            reviewer = self.two(officers)
        first_done = len(steps)
        steps.append((RECTIFIED, done, None, fixer, None, "已按要求整改：" + hazard["measures"]))
        review = done + (self.between(5, 21) if major else self.between(1, 8))
        if self.chance(0.08):
            steps.append((REVIEW, review, FAIL, reviewer, None, self.pick(FAIL_NOTES)))
            redo = review + self.between(2, 11)
            steps.append((RECTIFIED, redo, None, fixer, None, "已按复查意见重新整改"))
            review = redo + self.between(1, 6)
        steps.append((REVIEW, review, PASS, reviewer, None, self.pick(PASS_NOTES)))
        if major:
            note = "经县应急管理局组织复查验收合格，予以销号" + ("，撤销挂牌督办" if hazard.get("supervision_level") else "")
        else:
            note = "隐患已消除，同意销号"
        steps.append((CLOSE, review + self.between(0, 6), None, self.pick(officers), None, note))

        # Stalls are mostly recent: a township chases an old overdue item long before it is years late.
        age = self.today - found
        stall = self._random() / (1 if age < 180 else 0.3 if age < 365 else 0.05)
        if stall < 0.015:  # the unit never finished the work
            steps = steps[:first_done]
        elif stall < 0.03:  # nobody came back to review it
            steps = steps[:first_done + 1]
        if major and missing_major_items(hazard):
            steps = [s for s in steps if s[0] != CLOSE]
        events = []
        for kind, day, result, actor, new_deadline, note in steps:
            if day > self.today:
                break
            events.append({"id": self.make_id(day), "township": hazard["township"], "hazard_id": hazard["id"],
                           "kind": kind, "date": self.iso(day), "result": result, "actor": actor,
                           "new_deadline": self.iso(new_deadline) if new_deadline else None, "note": note})
        return events

    def _notice_note(self, unit: dict, day: int) -> str:
        year = dt.date.fromordinal(day).year
        key = (unit["township"], year)
        self.doc_serial[key] = serial = self.doc_serial.get(key, 0) + 1
        return f"下达隐患整改通知书（{self.abbreviations[unit['township']]}安监改〔{year}〕{serial}号）"

    def report_history(self, months: int) -> list[dict]:
        """On the county: each township's monthly files of the last months as the county read them — most
        made in the first days of the following month, a few later than the 5th, now and then a month
        skipped, and for the last month a couple not yet in (报送情况). Drawn after everything else, so the
        ledger is the same with or without it."""
        today = dt.date.fromordinal(self.today)
        last = Month.of(today).previous()
        wanted = [last]
        while len(wanted) < months:
            wanted.append(wanted[-1].previous())
        history = []
        for t in townships():  # the roster, the park included: it reports too
            for month in reversed(wanted):
                following = month.end + dt.timedelta(days=1)
                chance = self._random()
                if chance < 0.06 or (month == last and chance < 0.16):
                    continue  # 未报送
                made = following + dt.timedelta(days=int(self._random() * 4) if chance < 0.85 else 5 + int(self._random() * 9))
                arrived = min(made + dt.timedelta(days=int(self._random() * 2)), today)
                if made > today:
                    continue
                at = f"{arrived.isoformat()} {9 + int(self._random() * 8):02d}:{int(self._random() * 60):02d}:00"
                history.append({
                    "bundle_id": f"demo-{t.code}-{month.key}", "file_name": f"pjdesk-{t.code}-{month.key}.pjz",
                    "sender": {"station": t.code, "device": f"demo{t.code[-3:]}"}, "at": at, "by": "演示",
                    "created_at": f"{made.isoformat()} 08:30:00", "changes": 0, "new_changes": 0})
        return history

    def is_overdue(self, hazard: dict, events: list[dict]) -> bool:
        return derive_state(hazard, events).is_overdue(self.iso(self.today))  # the core's rule, as the ledger's

    # --- ids ------------------------------------------------------------------------------------------
    def make_id(self, day: int) -> str:
        """A UUIDv7 of the day (office hours, Beijing time), every other bit from the seeded generator."""
        midnight = self._midnight_ms.get(day)
        if midnight is None:
            when = dt.datetime.combine(dt.date.fromordinal(day), dt.time(), tzinfo=_BEIJING)
            midnight = self._midnight_ms[day] = int(when.timestamp()) * 1000
        getrandbits = self.rng.getrandbits
        ms = midnight + OFFICE_OPENS_MS + int(self._random() * OFFICE_HOURS_MS)
        h = f"{ms << 80 | 0x7 << 76 | getrandbits(12) << 64 | 0b10 << 62 | getrandbits(62):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _weighted(self, items, cumulative: list):
        return items[bisect.bisect_right(cumulative, self._random() * cumulative[-1])]


SOURCES = ("乡镇检查", "企业自查", "部门执法", "上级交办", "群众举报", "部门移送", "媒体曝光")
SOURCE_WEIGHTS = list(itertools.accumulate((46, 25, 12, 7, 6, 3, 1)))
SOURCE_WEIGHTS_MAJOR = list(itertools.accumulate((25, 10, 35, 20, 5, 4, 1)))
DEADLINE_DAYS = (0, 3, 5, 7, 7, 10, 15, 15, 20, 30)
NOTICE_LAG_DAYS = (0, 0, 0, 1, 2)
GENERAL_FUNDS_YUAN = (0, 100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 8000, 12000)
CROWDED_SECTORS = ("人员密集场所", "学校", "文旅", "自建房经营")
BLOCKED = ("上锁", "封堵", "堵塞", "堆放", "占用", "锁闭")
SECTOR_TAGS = {"自建房经营": "自建房", "涉爆粉尘": "涉爆粉尘", "钢铁/铝加工": "钢铁/铝加工"}
OFFICE_OPENS_MS, OFFICE_HOURS_MS = 8 * 3600_000, 10 * 3600_000


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _gb11714_check(body: str) -> str:
    """The 组织机构代码 check character (GB 11714) of the 8 characters before it."""
    total = sum(int(c, 36) * w for c, w in zip(body, _GB11714_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def _stem(name: str) -> str:
    """安定镇 → 安定, 汉昌街道 → 汉昌, 安定村 → 安定, 联星社区 → 联星."""
    for suffix in ("街道", "社区", "镇", "乡", "村"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name
