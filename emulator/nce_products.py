"""The default New Commerce catalogue (a data table): products, SKUs, terms, and the Entra license SKUs behind them.

Ids were each seen in a public source: docs/sources/nce-catalog.md lists them (S1 = Partner Center's developer
docs, get-a-sku-by-id.md and the cart and transition samples; S3, S5, S6 = published price lists). The license
SKUs (skuId, skuPartNumber, service plans) are Entra's licensing-service-plan-reference.md, copied in
docs/sources/license-skus.md. Availability ids the sources do not show, and the SKU ids marked [I], are the
emulator's own. Prices are USD a seat a month on a P1Y term as the price lists show them (illustrative: no price
sheet is emulated).
"""

from __future__ import annotations

from emulator.nce import LicenseSku, Product, ServicePlan, Sku

ONLINE = ("OnlineServices",)
SOFTWARE = ("Software", "SoftwarePerpetual")
# An annual term billed monthly or yearly, and a monthly term: what most seat-based products offer (S1, S3).
TERMS = (("P1M", "monthly"), ("P1Y", "monthly"), ("P1Y", "annual"))
ANNUAL_ONLY = (("P1Y", "monthly"), ("P1Y", "annual"))  # no P1M: Intune, Copilot (pricing-and-offers.md, S6)
TRIAL = (("P1M", "none"),)  # a one-month trial, billing plan None (pricing-and-offers.md, create-a-cart.md)
ONE_TIME = (("", "one_time"),)  # perpetual software: one_time, no term (create-a-cart.md)


def _license(sku_id: str, part: str, name: str, *plans: str) -> LicenseSku:
    """plans: "SERVICE_NAME <guid> Display name"."""
    parsed = []
    for plan in plans:
        service, plan_id, display = plan.split(" ", 2)
        parsed.append(ServicePlan(service, plan_id, display))
    return LicenseSku(sku_id, part, name, tuple(parsed))


EXO1 = "EXCHANGE_S_STANDARD 9aaf7827-d63c-4b61-89c3-182f06f82e5c Exchange Online (Plan 1)"
EXO2 = "EXCHANGE_S_ENTERPRISE efb87545-963c-4e0d-99df-69c6916d9eb0 Exchange Online (Plan 2)"
SPO1 = "SHAREPOINTSTANDARD c7699d2e-19aa-44de-8edf-1736da088ca1 SharePoint (Plan 1)"
SPO2 = "SHAREPOINTENTERPRISE 5dbe027f-2339-4123-9542-606e4d348a72 SharePoint (Plan 2)"
TEAMS = "TEAMS1 57ff2da0-773e-42df-b2af-ffb7a2317929 Microsoft Teams"
APPS = "OFFICESUBSCRIPTION 43de0ff5-c92c-492b-9116-175376d08c38 Microsoft 365 Apps for enterprise"
APPS_BUSINESS = "OFFICE_BUSINESS 094e7854-93fc-4d55-b2c0-3ab5369ebdc1 Microsoft 365 Apps for business"
INTUNE = "INTUNE_A c1ec4a95-1f05-45b3-a911-aa3fa01094f5 Microsoft Intune Plan 1"
ENTRA_P1 = "AAD_PREMIUM 41781fb2-bc02-4b7c-bd55-b576c07bb09d Microsoft Entra ID P1"
PHONE = "MCOEV 4828c8ec-dc2e-4779-b502-87ac9ce28ab7 Microsoft 365 Phone System"
POWER_BI = "BI_AZURE_P2 70d33638-9c74-4d01-bfd3-562de28bd4ba Power BI Pro"
FOUNDATION = "EXCHANGE_S_FOUNDATION 113feb6c-3fe4-4440-bddc-54d774bf0318 Exchange Foundation"

BASIC = _license(
    "3b555118-da6a-4418-894f-7df1e2096870",
    "O365_BUSINESS_ESSENTIALS",
    "Microsoft 365 Business Basic",
    EXO1,
    SPO1,
    TEAMS,
    "FORMS_PLAN_E1 159f4cd6-e380-449f-a816-af1a9ef76344 Microsoft Forms (Plan E1)",
)
STANDARD = _license(
    "f245ecc8-75af-4f8e-b61f-27d8114de5f3",
    "O365_BUSINESS_PREMIUM",
    "Microsoft 365 Business Standard",
    EXO1,
    APPS_BUSINESS,
    SPO1,
    TEAMS,
)
PREMIUM = _license(
    "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",
    "SPB",
    "Microsoft 365 Business Premium",
    EXO1,
    APPS_BUSINESS,
    ENTRA_P1,
    INTUNE,
    "ATP_ENTERPRISE f20fedf3-f3c3-43c3-8267-2bfdd51c0939 Microsoft Defender for Office 365 (Plan 1)",
)
M365_E3 = _license(
    "05e9a617-0261-4cee-bb44-138d3ef5d965", "SPE_E3", "Microsoft 365 E3", EXO2, APPS, SPO2, TEAMS, INTUNE
)
M365_E5 = _license("06ebc4ee-1bb5-47dd-8120-11324bc54e06", "SPE_E5", "Microsoft 365 E5", EXO2, APPS, PHONE, POWER_BI)
M365_F3 = _license(
    "66b55226-6b4f-492c-910c-a3b7a3c9d993",
    "SPE_F1",
    "Microsoft 365 F3",
    "EXCHANGE_S_DESKLESS 4a82b400-a79f-41a4-b4e2-e94f5787b113 Exchange Online Kiosk",
    TEAMS,
    INTUNE,
)
O365_E1 = _license("18181a46-0d4e-45cd-891e-60aabd171b4e", "STANDARDPACK", "Office 365 E1", EXO1, SPO1, TEAMS)
O365_E3 = _license("6fd2c87f-b296-42f0-b197-1e91e994b900", "ENTERPRISEPACK", "Office 365 E3", EXO2, APPS, SPO2, TEAMS)
O365_E5 = _license("c7df2760-2c81-4ef7-b578-5b5392b571df", "ENTERPRISEPREMIUM", "Office 365 E5", EXO2, APPS, PHONE)
EXO_P1 = _license("4b9405b0-7788-4568-add1-99614e613b69", "EXCHANGESTANDARD", "Exchange Online (Plan 1)", EXO1)
EXO_P2 = _license("19ec0d23-8335-4cbd-94ac-6050e30712fa", "EXCHANGEENTERPRISE", "Exchange Online (Plan 2)", EXO2)
ARCHIVING = _license(
    "ee02fd1b-340e-4a4b-b355-4a514e4c8943",
    "EXCHANGEARCHIVE_ADDON",
    "Exchange Online Archiving for Exchange Online",
    "EXCHANGE_S_ARCHIVE_ADDON 176a09a6-7ec5-4039-ac02-b2791c6ba793 Exchange Online Archiving",
)
DEFENDER = _license(
    "4ef96642-f096-40de-a3e9-d83fb2f90211",
    "ATP_ENTERPRISE",
    "Microsoft Defender for Office 365 (Plan 1)",
    "ATP_ENTERPRISE f20fedf3-f3c3-43c3-8267-2bfdd51c0939 Microsoft Defender for Office 365 (Plan 1)",
)
TEAMS_ESSENTIALS = _license(
    "fde42873-30b6-436b-b361-21af5a6b84ae",
    "Teams_Ess",
    "Microsoft Teams Essentials",
    "TeamsEss f4f2f6de-6830-442b-a433-e92249faebe2 Microsoft Teams Essentials",
)
TEAMS_PHONE = _license("e43b5b99-8dfb-405f-9987-dc307f34bcbd", "MCOEV", "Microsoft Teams Phone Standard", PHONE)
VISIO = _license(
    "c5928f49-12ba-48f7-ada3-0d743a3601d5",
    "VISIOCLIENT",
    "Visio Plan 2",
    "VISIO_CLIENT_SUBSCRIPTION 663a804f-1c30-4ff0-9915-9db84f0d1cea Visio desktop app",
    "VISIOONLINE 2bdbaf8f-738f-4ac7-9234-3c3ee2ce7d0f Visio web app",
)
PROJECT = _license(
    "53818b1b-4a27-454b-8896-0dba576410e6",
    "PROJECTPROFESSIONAL",
    "Planner and Project Plan 3",
    "PROJECT_PROFESSIONAL 818523f5-016b-4355-9be8-ed6944946ea7 Project P3",
    "PROJECT_CLIENT_SUBSCRIPTION fafd7243-e5c1-4a3a-9e40-495efcb1d3c3 Project Online Desktop Client",
)
POWER_BI_PRO = _license("f8a1db68-be16-40ed-86d5-cb42ce701560", "POWER_BI_PRO", "Power BI Pro", FOUNDATION, POWER_BI)
D365_SALES = _license(
    "1e1a282c-9c54-43a2-9310-98ef728faace",
    "DYN365_ENTERPRISE_SALES",
    "Dynamics 365 for Sales Enterprise Edition",
    "DYN365_ENTERPRISE_SALES 2da8e897-7791-486b-b08f-cc63c8129df7 Dynamics 365 for Sales",
)
EMS_E3 = _license("efccb6f7-5641-4e0e-bd10-b4976e1bf68e", "EMS", "Enterprise Mobility + Security E3", ENTRA_P1, INTUNE)
INTUNE_SKU = _license("061f9ace-7d42-4136-88ac-31dc755f143f", "INTUNE_A", "Intune", INTUNE)
COPILOT = _license(
    "639dec6b-bb19-468b-871c-c5c441c4b0cb",
    "Microsoft_365_Copilot",
    "Copilot for Microsoft 365",
    "M365_COPILOT_APPS a62f8878-de10-42f3-b68f-6149a25ceb97 Microsoft 365 Copilot in Productivity Apps",
    "M365_COPILOT_TEAMS b95945de-b3bd-46db-8437-f2beb6ea2347 Microsoft 365 Copilot in Microsoft Teams",
)

# The suites an add-on may be bought for (Advanced Communications' prerequisite list, S7, narrowed to this table).
SUITES = (
    "CFQ7TTC0LH18:0001",
    "CFQ7TTC0LDPB:0001",
    "CFQ7TTC0LCHC:0002",
    "CFQ7TTC0LFLX:0001",
    "CFQ7TTC0LFLZ:0002",
    "CFQ7TTC0LF8Q:0001",
    "CFQ7TTC0LF8R:0001",
    "CFQ7TTC0LF8S:0001",
)
EXCHANGE_BASES = (*SUITES, "CFQ7TTC0LH16:0001", "CFQ7TTC0LH1P:0001")
TEAMS_PHONE_BASES = ("CFQ7TTC0LF8Q:0001", "CFQ7TTC0LF8R:0001", "CFQ7TTC0LFLX:0001")
ENTERPRISE_MAX = 10_000  # [I] enterprise suites' seat limit; the sources give 300 only for the SMB suites


def _seats(
    product_id: str,
    title: str,
    description: str,
    price: float,
    *,
    sku: str = "0001",
    availability: str = "",
    license: LicenseSku | None = None,
    terms: tuple[tuple[str, str], ...] = TERMS,
    maximum: int = ENTERPRISE_MAX,
    upgrades: tuple[str, ...] = (),
    prerequisites: tuple[str, ...] = (),
    segments: tuple[str, ...] = ("commercial",),
    trial: str = "",
) -> Product:
    """A seat-based New Commerce product with one paid SKU, and a trial SKU when `trial` names its id."""
    skus = [
        Sku(
            sku,
            title,
            description,
            terms,
            price,
            availability,
            maximum=maximum,
            upgrades=upgrades,
            prerequisites=prerequisites,
            segments=segments,
            license=license,
        )
    ]
    if trial:
        skus.append(
            Sku(
                trial,
                f"{title} Trial",
                f"{title} Trial, 1 Month",
                TRIAL,
                0.0,
                maximum=25,
                trial=True,
                upgrades=(f"{product_id}:{sku}",),
                license=license,
            )
        )
    return Product(product_id, title, description, ONLINE, tuple(skus))


def _software(product_id: str, title: str, skus: tuple[tuple[str, str, float], ...]) -> Product:
    """Perpetual software: each SKU bought once (one_time), priced per license."""
    return Product(
        product_id,
        title,
        title,
        SOFTWARE,
        tuple(Sku(s, name, name, ONE_TIME, price, maximum=1000) for s, name, price in skus),
        product_type="Software",
    )


PRODUCTS: tuple[Product, ...] = (
    _seats("CFQ7TTC0LH18", "Microsoft 365 Business Basic",
           "Best for businesses that need easy remote solutions, with Microsoft Teams, secure cloud storage, and "
           "Office Online (Word, Excel, PowerPoint, Outlook).", 6.0, availability="CFQ7TTC0K971", license=BASIC,
           maximum=300, upgrades=("CFQ7TTC0LDPB:0001", "CFQ7TTC0LF8Q:0001"),
           segments=("commercial", "nonprofit"), trial="0002"),
    _seats("CFQ7TTC0LDPB", "Microsoft 365 Business Standard",
           "Everything in Business Basic, plus desktop versions of the Microsoft 365 apps.", 12.5,
           availability="CFQ7TTC0LGNT", license=STANDARD, maximum=300, upgrades=("CFQ7TTC0LCHC:0002",)),
    _seats("CFQ7TTC0LCHC", "Microsoft 365 Business Premium",
           "Everything in Business Standard, plus advanced security, device management and access control.", 22.0,
           sku="0002", availability="CFQ7TTC0KFFN", license=PREMIUM, maximum=300,
           segments=("commercial", "nonprofit"), trial="0003"),
    _seats("CFQ7TTC0LFLX", "Microsoft 365 E3", "Office apps, Windows Enterprise and enterprise mobility.", 36.0,
           availability="CFQ7TTC0LB30", license=M365_E3, upgrades=("CFQ7TTC0LFLZ:0002",),
           segments=("commercial", "education")),
    _seats("CFQ7TTC0LFLZ", "Microsoft 365 E5", "Microsoft 365 E3 plus advanced security, voice and analytics.", 57.0,
           sku="0002", availability="CFQ7TTC0K4TS", license=M365_E5),
    _seats("CFQ7TTC0MBMD", "Microsoft 365 F1", "Microsoft 365 for frontline workers, without Office apps.", 2.3,
           sku="0002"),
    _seats("CFQ7TTC0LH05", "Microsoft 365 F3", "Microsoft 365 for frontline workers.", 8.0, license=M365_F3),
    _seats("CFQ7TTC0LF8Q", "Office 365 E1", "Email, file storage and Teams, with Office on the web.", 10.0,
           availability="CFQ7TTC0KQDF", license=O365_E1, upgrades=("CFQ7TTC0LF8R:0001",)),
    _seats("CFQ7TTC0LF8R", "Office 365 E3", "Office 365 E1 plus the desktop Office apps.", 23.0,
           availability="CFQ7TTC0KCSV", license=O365_E3, upgrades=("CFQ7TTC0LF8S:0001",)),
    _seats("CFQ7TTC0LF8S", "Office 365 E5", "Office 365 E5 (without Audio Conferencing).", 38.0,
           availability="CFQ7TTC0N81H", license=O365_E5),
    _seats("CFQ7TTC0LH16", "Exchange Online (Plan 1)", "Business email with a 50 GB mailbox.", 4.0, license=EXO_P1,
           upgrades=("CFQ7TTC0LH1P:0001",)),
    _seats("CFQ7TTC0LH1P", "Exchange Online (Plan 2)", "Business email with a 100 GB mailbox and archiving.", 8.0,
           license=EXO_P2),
    # [I] the SKU id: the sources give the product, not its SKU.
    _seats("CFQ7TTC0LH0J", "Exchange Online Archiving for Exchange Online",
           "Cloud-based archiving for Exchange Online mailboxes.", 3.0, license=ARCHIVING,
           prerequisites=EXCHANGE_BASES),
    _seats("CFQ7TTC0LH04", "Microsoft Defender for Office 365 (Plan 1)",
           "Protection against phishing, malware and unsafe links in email and collaboration tools.", 2.0,
           license=DEFENDER),
    _seats("CFQ7TTC0JN4R", "Microsoft Teams Essentials", "Meetings, chat and file sharing for small businesses.",
           4.0, sku="0002", license=TEAMS_ESSENTIALS, maximum=300),
    _seats("CFQ7TTC0LH0T", "Microsoft Teams Phone Standard", "Cloud calling for Microsoft Teams.", 10.0,
           availability="CFQ7TTC0K4KQ", license=TEAMS_PHONE, prerequisites=TEAMS_PHONE_BASES, terms=ANNUAL_ONLY),
    _seats("CFQ7TTC0HD32", "Visio Plan 2", "Diagramming in the Visio desktop and web apps.", 15.0, sku="0002",
           license=VISIO),
    _seats("CFQ7TTC0HDB0", "Planner and Project Plan 3", "Project management with Project Online.", 30.0, sku="0002",
           license=PROJECT),
    _seats("CFQ7TTC0LHSF", "Power BI Pro", "Self-service analytics and sharing of reports.", 10.0,
           license=POWER_BI_PRO),
    # [I] the SKU id and price: the sources give the product only.
    _seats("CFQ7TTC0LFF1", "Dynamics 365 Sales Enterprise", "Sales force automation with Dynamics 365.", 95.0,
           license=D365_SALES, terms=ANNUAL_ONLY),
    _seats("CFQ7TTC0LFDZ", "Dynamics 365 Customer Service Enterprise",
           "Case management and omnichannel customer service.", 105.0, terms=ANNUAL_ONLY),
    _seats("CFQ7TTC0LHT4", "Enterprise Mobility + Security E3", "Identity, device management and information "
           "protection.", 10.6, license=EMS_E3),
    _seats("CFQ7TTC0LCH4", "Microsoft Intune", "Endpoint management for devices and apps.", 8.0, sku="0009",
           license=INTUNE_SKU, terms=ANNUAL_ONLY),
    _seats("CFQ7TTC0MM8R", "Microsoft 365 Copilot", "AI assistance in the Microsoft 365 apps.", 30.0, sku="0002",
           license=COPILOT, prerequisites=SUITES, terms=ANNUAL_ONLY),
    # The Azure plan (get-a-list-of-products-by-customer.md, get-a-list-of-skus-for-a-product-by-customer.md,
    # get-a-list-of-availabilities-for-a-sku-by-customer.md; its catalog item id in the usage record samples):
    # listed under MicrosoftAzure, bought once (one_time), its usage billed monthly (emulator.consumption). A cart
    # checkout of it makes an order but, as perpetual software, no subscription here [I].
    Product("DZH318Z0BPS6", "Microsoft Azure plan", "Gain access to Azure Services.", ("MicrosoftAzure",),
            (Sku("0001", "Microsoft Azure plan", "Microsoft Azure plan (MS-AZR-0017G)", ONE_TIME, 0.0,
                 availability="DZH318Z0BML6", maximum=1, consumption="usage"),),
            product_type="Azure"),
    _software("DG7GMGF0PN5F", "Office LTSC Professional Plus 2024",
              (("0002", "Office LTSC Professional Plus 2024", 600.0),)),
    _software("DG7GMGF0PN5D", "Office LTSC Standard 2024", (("0002", "Office LTSC Standard 2024", 450.0),)),
    _software("DG7GMGF0MF3T", "SQL Server 2022 CALs",
              (("0001", "SQL Server 2022 Device CAL", 250.0), ("0002", "SQL Server 2022 User CAL", 250.0))),
)  # fmt: skip
