"""Page furniture: the lines of a saved page that belong to the site, not to the post.

A page copied from a browser carries its site around the post: menus and breadcrumbs,
bylines and editor credits, dates and counters, share bars and icon-font residue, photo
captions, copyright and disclaimer lines, forum headers and push lines, comment forms. None
of it may be read aloud. Two tables drive this module (podcastparser-style: the data is the
logic):

- ``LINES``: a line that is furniture wherever it stands, with the reason ``podcast parse
  --explain`` gives for leaving it out;
- ``TAILS``: a line that starts the page's tail (related posts, comments, signatures): it
  and everything after it go, once the dialogue has begun.

Lines made only of menu and share words (``Facebook Twitter Email``, ``clock menu
more-arrow``, ``收藏 点赞 在看``) are furniture by vocabulary rather than by pattern.
"""

from __future__ import annotations

import re

from podcast.hanzi import to_simplified

_DATE = r"(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)"
_TIME = r"(?:\d{1,2}:\d{2}(?::\d{2})?)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_EN_DATE = rf"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
_CREDIT = (
    r"(?:作者|文|撰文|文字|记者|記者|本报记者|本報記者|特约记者|见习记者|实习生|實習生|通讯员|編輯|编辑|责编|責編|"
    r"责任编辑|責任編輯|主编|编审|校对|校對|审校|审核|監製|监制|策划|策劃|统筹|出品|出品人|制作|製作|设计|設計|"
    r"美编|视觉|排版|图|圖|图片|圖片|图文|摄影|攝影|摄像|视频|剪辑|配音|来源|來源|出处|转载|翻译|翻譯|译者|"
    r"編譯|编译|整理|口述|采访|採訪|撰稿|执笔|供稿|运营|值班编辑|新媒体编辑|题图|封面|插图|听打|速记|文字整理|核稿编辑|核稿編輯|"
    r"主編|美術|美术|視覺設計|视觉设计|数据|數據|实习编辑|實習編輯|审读|審讀)"
)
_NOT_SPOKEN_LABELS = (
    r"(?:责任编辑|責任編輯|责编|責編|编辑|編輯|校对|校對|审校|审核|监制|監製|策划|統籌|统筹|美编|排版|摄影|攝影|"
    r"摄像|图片来源|圖片來源|图源|图片|來源|来源|出处|转载自|本文来源|文章来源|原文链接|原文地址|原文網址|本文链接|"
    r"文章链接|本文地址|链接|網址|网址|标签|標籤|分类|分類|关键词|关键字|文章标签|分类专栏|专栏|個人分類|个人分类|"
    r"系统分类|Tags?|Categories|Category|Filed under|Topics?|Share this|Related|Source|Credits?|Photo|Image)"
)

# (why, pattern): the pattern must match the whole stripped line.
LINES: list[tuple[str, str]] = [
    ("navigation", r"(?:当前位置|您的位置|你的位置|所在位置|位置)\s*[:：].*"),
    ("navigation", r"[^。！？!?]{1,30}(?:\s*(?:>>|›|»|＞|>)\s*[^。！？!?>›»]{1,40}){1,6}"),
    ("navigation", r"[^/|｜。！？!?]{1,10}(?:\s*[/|｜]\s*[^/|｜。！？!?]{1,10}){2,12}"),
    ("navigation", r"(?:跳至内容|跳到内容|跳转到内容|Skip to (?:main )?content|Skip navigation|Main menu|"
                   r"Open (?:navigation|menu)|Toggle navigation|Back to top|返回顶部|回到顶部|返回目录)"),
    ("byline", rf"{_CREDIT}\s*[|丨｜/／]\s*\S.{{0,60}}"),
    ("byline", rf"(?:{_CREDIT}\s*[|丨｜/／:：]\s*[^|丨｜/／:：。！？]{{1,24}}\s*){{2,6}}"),
    ("byline", rf"{_NOT_SPOKEN_LABELS}\s*[:：]\s*[^。！？!?]{{0,80}}[。.]?"),
    ("byline", rf"{_NOT_SPOKEN_LABELS}\s*[|丨｜]\s*.{{0,80}}"),
    ("byline", r"[（(\[【]\s*(?:责编|責編|责任编辑|責任編輯|编辑|編輯|记者|記者|通讯员|作者|来源|來源|实习生|"
               r"校对|编审|审核)\s*[:：].{0,60}[)）\]】]"),
    ("byline", r"(?:By|Interview by|Interviewed by|Written by|Edited by|Reporting by|Produced by|Story by|"
               r"Words by|Text by|Photographs by|Photos by|Illustrations? by|As told to)\s+"
               r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:(?:,\s*|\s+and\s+|\s*&\s*)[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})*"
               r"(?:,?\s*(?:for|at)\s+.{1,40})?"),
    ("byline", rf"(?:{_CREDIT}\s+[\u3400-\u9fff]{{2,4}}[\s　]*){{1,4}}"),
    ("byline", r".{0,12}(?:记者|記者)\s+[\u3400-\u9fff]{2,4}(?:[\s　、]+[\u3400-\u9fff]{2,4}){0,3}"),
    ("byline", rf"[（(]\s*{_CREDIT}\s*[／/|｜:：]\s*.{{1,24}}[）)]"),
    ("byline", r"[（(]?原(?:标题|標題)\s*[:：].{1,80}[）)]?"),
    ("byline", r"(?:[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3},?\s+)?[Ii]nterviewed by(?:\s+[A-Z].{0,60})?"),
    ("bio", r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3} (?:is|was) (?:a|an|the) [^.!?]{0,160}"
            r"(?:writer|author|editor|journalist|host|reporter|producer|poet|novelist|critic|artist|photographer|"
            r"professor|contributor|founder|correspondent|columnist|maker|podcaster|translator)\b[^!?]{0,200}"),
    ("byline", r"(?:See (?:all )?stories by|More from|Follow|Contact|Email|About the author)\s+[A-Z].{0,60}"),
    ("date", rf"{_DATE}(?:\s*{_TIME})?(?:\s+[^。！？!?]{{0,60}})?"),
    ("date", r"(?:Published|Updated|Posted|Last updated|Originally published|Modified)(?:\s+(?:on|at))?\s*:?\s*.{0,30}\d{4}.{0,40}"),
    ("date", rf"{_EN_DATE}(?:\s*(?:at\s*)?{_TIME}\s*(?:AM|PM|am|pm)?(?:\s*[A-Z]{{2,4}})?)?[^.!?]{{0,20}}"),
    ("date", rf"(?:发布于|發佈於|发表于|發表於|编辑于|編輯於|更新于|更新於|发布时间|發佈時間|posted\s*@)\s*[:：]?\s*{_DATE}.*"),
    ("date", r"(?:Heard on|Aired on|As heard on)\s+.{1,60}"),
    ("counter", r"已有\s*[\d,]+\s*次阅读.*"),
    ("counter", r"(?:(?:阅读|閱讀|浏览|瀏覽|点击|點擊|评论|評論|点赞|點讚|点讚|赞同|贊同|喜欢|喜歡|收藏|转发|轉發|分享|"
                r"在看|热度|熱度|推荐|推薦|回复|回覆|字数|字數|阅读量|閱讀量|阅读数|Views?|Comments?|Likes?|Shares?|Reads?)"
                r"\s*(?:数|數|量|次数)?\s*[(（:：]?\s*[\d,.]+\s*[万萬wWkK]?\s*[)）]?\s*[|·•]?\s*){1,8}"),
    ("counter", r"(?:[\d,.]+\s*[万萬wWkK]?\s*(?:次阅读|人阅读|阅读|次瀏覽|次浏览|浏览|条评论|個評論|个评论|评论|人赞同|赞同|"
                r"人喜欢|喜欢|人收藏|收藏|人点赞|点赞|赞|回复|views?|comments?|likes?|shares?|reads?|min read|"
                r"minute read|字)\s*[|·•]?\s*){1,8}"),
    ("counter", r"(?:Listen|Play|Watch)\s*[·•]?\s*\d{1,2}:\d{2}(?::\d{2})?"),
    ("link", r"(?:https?://|www\.)\S{1,200}(?:\s+[^。！？!?]{0,80})?"),
    ("player", r"(?:\d{1,2}\s*(?:hours?|hrs?|h)\s*)?(?:\d{1,2}\s*(?:minutes?|mins?|m)\s*)?(?:\d{1,2}\s*(?:seconds?|secs?|s))?"
               r"|\d{1,3}\s*(?:分钟|分鐘|分|秒|小时|小時)(?:\s*\d{1,2}\s*(?:分钟|分鐘|分|秒))*"),
    ("player", rf"(?:{_TIME}|\d{{1,2}}:\d{{2}})(?:\s*/?\s*(?:{_TIME}|\d{{1,2}}:\d{{2}}))*"),
    ("caption", r"(?:图说|圖說)\s*[:：].{0,200}"),
    ("caption", r"(?:图为|圖為|图片为|上图|下图|左图|右图|题图|配图|资料图|資料圖|图\s*\d+|图片来源|圖片來源|图源|图片由|"
                r"供图|图/|图／).{0,200}"),
    ("caption", r".{0,120}[（(](?:\S{0,12}(?:记者|記者|通讯员))?\s*\S{1,12}\s*(?:摄|攝|供图|/摄)[）)]"),
    ("caption", r"(?:Photo|Photograph|Image|Illustration|Credit|Photo illustration|Pictured|Above)s?"
                r"(?:\s+by|\s*:|\s+courtesy|\s+credit)\s*.{0,200}"),
    ("caption", r".{0,200}\S\s?/\s?(?:Getty Images|AP|AP Photo|AFP|Reuters|Shutterstock|Bloomberg|NPR|"
                r"[A-Z][a-z]+ via Getty Images|Courtesy of .{1,40})\)?"),
    ("caption", r".{0,200}\s(?:Photograph|Photo|Photos|Illustration|Image|Credit)s?:\s.{1,80}"),
    ("caption", r"[▲△▼].{0,200}"),
    ("caption", r".{0,200}(?:受访者供图|受訪者供圖|受访者提供|受訪者提供|资料图片|資料圖片|供图|供圖|/摄|／摄)[。.)）]?"),
    ("caption", r".{0,200}(?:Getty Images|iStockphoto|Shutterstock|AP Photo)(?:/[\w ]{1,30})?\.?"),
    ("caption", r"[【\[]?(?:查看原图|查看大图|点击查看大图|点击图片查看.{0,10}|點擊看大圖|图集)[】\]]?"),
    ("copyright", r"(?:©|Copyright\s*(?:©|\(c\)|\d{4})|\(c\)\s*\d{4}|版权所有|版權所有|版权声明|版權聲明).{0,800}"),
    ("copyright", r".{0,200}(?:©|All [Rr]ights [Rr]eserved|版权所有|版權所有|保留所有权利|ICP备|ICP證|公网安备).{0,800}"),
    ("copyright", r".{0,60}(?:未经(?:书面)?(?:许可|授权|同意)|未經(?:許可|授權)).{0,30}(?:转载|轉載|使用|复制|複製|摘编).{0,100}"),
    ("copyright", r".{0,40}(?:转载请(?:注明|联系|附上)|轉載請註明|禁止转载|禁止轉載|本文为.{0,20}原创.{0,40}).{0,160}"),
    ("disclaimer", r"(?:新浪声明|免责声明|免責聲明|特别声明|特別聲明|声明|聲明)\s*[:：].{0,300}"),
    ("disclaimer", r".{0,40}(?:仅代表作者(?:本人)?观点|僅代表作者(?:本人)?觀點|不代表本(?:站|网|平台|报)(?:的)?(?:立场|观点)|"
                   r"文中观点不代表).{0,120}"),
    ("disclaimer", r"(?:Accuracy and availability of NPR transcripts|NPR transcripts are created|Transcript text may be"
                   r"|The authoritative record of NPR|Transcript provided by|This (?:is a )?(?:rush )?transcript).{0,400}"),
    ("disclaimer", r"(?:This|The following) (?:transcript|interview|conversation|Q&A|exchange)s? (?:has|have|was|were|is|are)"
                   r" (?:been )?(?:lightly )?(?:edited|condensed|transcribed).{0,200}"),
    ("disclaimer", r".{0,60}(?:edited (?:and condensed )?for (?:length|clarity|brevity)|condensed (?:and edited )?for"
                   r" (?:length|clarity)).{0,80}"),
    ("disclaimer", r"(?:访谈|采访|對話|对话|本文|以上)?(?:内容|內容)?(?:经|經)(?:过|過)?(?:编辑|編輯|删节|刪節|整理).{0,30}"
                   r"(?:未经|未經).{0,20}(?:审阅|審閱|本人).{0,20}"),
    ("forum", r"(?:Re|RE|Fw|FW|Fwd|回覆|回复)\s*[:：]\s*\[?.{0,100}"),
    ("forum", r"(?:回复|回覆)?\s*(?:举报|舉報)?\s*[|｜]?\s*\d{1,5}\s*(?:楼|樓)|(?:回复|回覆)\s+(?:举报|舉報).{0,20}"),
    ("forum", r"#\d{1,5}\s*(?:引用回覆|引用回复|引用).{0,120}|.{0,10}(?:系統時間|系统时间)\s*[:：].{0,40}"),
    ("forum", r".{0,12}(?:會員|会员|版主|管理員|管理员|站長|站长)"),
    ("forum", r"(?:發送簡訊給我|发送短消息|發送私訊|加為好友|加为好友)"),
    ("forum", r"(?:引言|引用|Quote|Originally posted by)\s*[:：].{0,300}"),
    ("forum", r"(?:本站聲明|本站声明|此条目(?:由.{0,20})?发表在.{0,100}|.{0,80}将固定链接加入收藏夹.{0,20})"),
    ("forum", r"※\s*(?:發信站|发信站|文章網址|文章网址|編輯|编辑|引述|轉錄|转录|來自|来自|發信|修改).{0,200}"),
    ("forum", r"◆\s*From\s*:.{0,100}"),
    ("forum", r"(?:推|噓|嘘|→)\s*[\w.-]{1,20}\s*[:：].{0,200}?\s*(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\s*)?"
              r"\d{1,2}/\d{1,2}(?:\s+\d{1,2}:\d{2})?"),
    ("forum", r"作者\s*[A-Za-z0-9_.-]{2,20}\s*\(.{0,40}\)(?:\s+看板\s*\S+)?|看板\s*[A-Za-z0-9_-]{2,20}"),
    ("forum", r"(?:標題|标题)\s*(?:(?:Re|Fw)\s*:\s*)?\[.{1,6}\].{0,100}"),
    ("forum", r"(?:時間|时间)\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s.{0,30}\d{4}"),
    ("forum", r"(?:楼主|樓主|沙发|沙發|板凳|地板)|#?\d{1,5}\s*(?:楼|樓|F|#)|(?:只看楼主|只看該作者|倒序看帖|引用|举报|舉報|回复\s*\(?\d*\)?)"),
    ("forum", r"(?:作者|作者名)\s*[:：]\s*\S{1,30}\s+(?:日期|时间|時間|发表于|發表於)\s*[:：].{0,40}"),
    ("forum", r"(?:发表于|發表於)\s*\d.{0,40}"),
    ("forum", r".{1,30}[:：].{1,40}\s+(?:时间|時間|日期|发表于|發表於|发帖时间)\s*[:：]\s*\d.{0,60}"),
    ("navigation", r"[←«‹]\s*.{1,40}|.{1,40}\s*[→»›]"),
    ("promotion", r"Thanks for reading .{1,80}|(?:Will you|Please|Help us|Can you) support .{0,120}|"
                  r"Consider (?:making a contribution|supporting|subscribing|donating|a gift).{0,120}|Yes, I'?ll give .{0,60}|"
                  r"We accept credit card.{0,80}|(?:TO ORDER A VIDEO|To order a (?:video|transcript|copy)).{0,200}|"
                  r"Try \w+(?: \w+)? (?:and|for|free) .{0,100}|Check out (?:these|our|more|other) .{0,120}|"
                  r"Buy (?:this|the) (?:issue|book|print edition).{0,40}|Subscribe (?:now|today|for free|to our).{0,80}|"
                  r"Become a (?:member|subscriber|patron|supporter).{0,80}|Support (?:independent |our |the )?.{0,30}"
                  r"(?:journalism|reporting|work|newsroom).{0,60}"),
    ("promotion", r".{1,120} (?:is|are) (?:published by|out|available (?:now|from|on|in)) .{0,160}"),
    ("promotion", r"(?:This|The) (?:article|interview|story|piece|conversation) (?:first|originally) (?:appeared|ran|was published) .{0,200}"),
    ("promotion", r"(?:支持報導者|支持报导者|獨立的新聞，需要你的支持。?|欲觀看全文.{0,40}|如閣下為本刊訂戶.{0,30}|"
                  r"(?:请|請)?(?:登记|登記|登录|登入|订阅|訂閱).{0,30}(?:订户|訂戶|全文|系統|系统).{0,20}|"
                  r"[（(]?本文(?:图片|圖片|照片)由.{0,30}(?:提供|授权|授權)[）)]?[。]?|.{0,20}(?:侵权必究|侵權必究).{0,10}|"
                  r"点击(?:阅读|閱讀)原文.{0,20}|长按(?:二维码|识别).{0,30})"),
    ("disclaimer", r"[（(]?(?:根据|根據|据|據).{0,20}(?:录音|錄音|速记|速記|现场|現場).{0,10}整理.{0,30}[）)]?"),
    ("code", r"(?:复制代码|複製代碼|Copy code|运行代码|代码块)"),
    ("code", r"(?:public|private|protected|static|final|class|interface|import|package|return|def|var|let|const|"
             r"#include|using|namespace)\b.{0,200}[;{}:)]|.{0,200}[=().\[\]].{0,200}[;{]\s*|"
             r"\}\s*(?:else|catch|finally)?.{0,40}|//.{0,200}|/\*.{0,200}|[\w.]+\s*\(.{0,120}\)\s*;|"
             r"\w[\w<>\[\], ]*\s+\w+\s*=\s*.{1,160};"),
    ("rule", r"[\s*\-_=~·•—–#.。…<>]{3,}"),
    ("contents", r".{1,200}(?:\.\s?){5,}\s*\d{1,4}(?:\s+.{0,200}(?:\.\s?){5,}\s*\d{1,4})*"),
    ("forum", r"本帖最后由.{0,40}(?:编辑|編輯)|本帖最後由.{0,40}編輯"),
    ("table residue", r"[|\s:\-]*\|[|\s:\-]*|\|.*\|"),
    ("share bar", r"(?:点击|點擊|长按|長按|扫码|掃碼|扫描|掃描|微信扫一扫|扫一扫)(?:上方|下方|下面|蓝字|藍字|二维码|二維碼|关注|關注|"
                  r"进入|進入|查看|播放|阅读|閱讀|订阅|訂閱|识别|識別|这里|這裡|此处|此處).{0,40}"),
    ("share bar", r".{0,30}(?:专栏收录该内容|收录于合集|收錄於合集|订阅专栏|訂閱專欄).{0,30}"),
    ("counter", r"[\u3400-\u9fff]{0,4}(?:积分|積分|访问|訪問|人气|人氣|等级|等級|排名|金笔|金筆|粉丝|粉絲|关注|關注|获赞|獲讚|"
                r"收藏|点赞|阅读|閱讀|评论|評論|转发|轉發|发表|發表|回复|回覆|注册|註冊|帖子|主题|主題|精华|精華|在线|在線)"
                r"[\u3400-\u9fff]{0,4}\s*[:：]\s*[\d,.]+\s*[万萬wWkK支次人个個]?"),
    ("share bar", r"(?:预览时标签不可点|預覽時標籤不可點|继续滑动看下一个|繼續滑動看下一個|向上滑动看下一个|轻触阅读原文|"
                  r"喜欢此内容的人还喜欢|微信扫一扫.{0,20}|关注公众号.{0,20}|關注公眾號.{0,20}|分享让更多人看到|"
                  r"分享到[:：]?.{0,40}|Share (?:this|on) .{0,40}|All sharing options for:?.{0,200}|"
                  r"Type your email.{0,20}|Sign up for .{0,60}|Subscribe to .{0,60}|Get the .{0,30}newsletter.{0,30}|"
                  r"Ready for more\??|Discussion about this post|No posts|Like Loading\.*|Loading\.*)"),
    ("comment form", r".{0,40}(?:您的电子邮箱地址不会被公开|必填项已用|此站点使用\s*Akismet|在此浏览器中保存我的显示名称|"
                     r"Your email address will not be published|Required fields are marked|This site uses Akismet|"
                     r"Save my name, email, and website).{0,120}"),
    ("comment form", r"(?:评论|显示名称|电子邮件|电子邮箱地址|站点|网站|网站地址|Comment|Name|Email|Website)\s*\*?|Δ"),
    ("sign-off", r"[（(【\[]?\s*(?:完|全文完|本文完|终|END|End|THE END|—\s*END\s*—|-\s*END\s*-)\s*[)）】\]]?"),
    ("sign-off", r"(?:有錯字再修|有错字再修|感謝看完|感谢看完|感謝閱讀|感谢阅读|谢谢阅读|謝謝閱讀|谢谢观看|Thanks for reading)"
                 r"[^。]{0,20}[。！!.]?"),
    ("site", r"(?:Powered by|Proudly powered by|Theme by|Designed by)\s.{0,80}"),
    ("site", r".{0,60}(?:Play Live Radio|Available On Air Stations|On Air Now|Listen Live|All Streams).{0,20}"),
    ("site", r"(?:Next Up|Up Next|Now Playing|More Stories|Most Popular|Trending|Related Stories)\s*:?"),
    ("site", r"(?:About|Contact|Privacy Policy|Terms of (?:Use|Service)|FCC Public File|Cookie (?:Policy|Settings)|"
             r"Accessibility|Careers|Advertise|Sitemap|Help)(?:\s+\w+)?"),
]  # fmt: skip

# (why, pattern): the line starts the page's tail.
TAILS: list[tuple[str, str]] = [
    ("related posts", r"【?(?:相关|相關)(?:文章|阅读|閱讀|推荐|推薦|链接|連結|博文|新闻|新聞|报道|報導)?】?\s*[:：]?"),
    ("related posts", r"【?(?:推荐阅读|推薦閱讀|延伸阅读|延伸閱讀|猜你喜欢|猜你喜歡|热门推荐|熱門推薦|精彩推荐|精彩推薦|"
                      r"更多精彩|往期回顾|往期回顧|往期推荐|往期推薦|热点推荐|相关推荐|相關推薦|专栏收录|專欄收錄|"
                      r"全部作者的其他最新博文|全部精选博文导读)】?\s*[:：]?.{0,20}"),
    ("related posts", r"(?:Related|Related (?:posts|articles|reading|stories|coverage|links|episodes|documents|content)|You (?:may|might) "
                      r"also like|More from .{1,60}|Read more|Recommended(?: for you)?|Keep reading|Latest Stories|"
                      r"Popular (?:Podcasts|Episodes|Stories)|Podcasts we love|More episodes|Recent episodes|"
                      r"Creators (?:and|&) Guests|What is .{1,40}\?|About the (?:show|podcast)|Listen to .{1,40} on)\s*:?"),
    ("comments", r"(?:发表回复|发表评论|發表評論|评论列表|留下评论|写留言|寫留言|精选留言|全部评论|全部評論|"
                 r"\d+\s*(?:条评论|則留言|个评论|Comments?|Responses?)|Leave a (?:reply|comment)(?: to .*)?|"
                 r"(?:Comments|Discussion|Responses|Join the discussion|Add a comment)\s*\(?\d*\)?)"),
    ("navigation", r"(?:文章导航|文章導覽|Post navigation|上一篇\s*[:：]?.*|下一篇\s*[:：]?.*|Previous (?:post|article)"
                   r"\s*:?.*|Next (?:post|article)\s*:?.*)"),
    ("share bar", r"(?:Share this|Like this|Share this (?:post|article|story))\s*:?"),
    ("signature", r"--"),
    ("author box", r"(?:发布者|發佈者|作者简介|作者簡介|关于作者|關於作者|About the (?:author|authors|contributor))\s*[:：]?.{0,40}"),
    ("disclaimer", r"(?:新浪声明|新浪聲明)\s*[:：].*"),
]  # fmt: skip

_LINES = [(why, re.compile(pattern, re.IGNORECASE)) for why, pattern in LINES]
# Most lines of a post match no pattern, and the patterns that may start anywhere in a line
# are slow to try: a line is tried against them only if it holds one of these words.
HINTS = (
    ">", "›", "»", "＞", "/", "|", "｜", "记者", "記者", "摄", "攝", "供图", "供圖", "photo", "illustration", "image",
    "credit", "getty", "istock", "shutterstock", "受访者", "受訪者", "资料图", "資料圖", "©", "rights reserved",
    "版权", "版權", "保留所有", "icp", "公网安备", "未经", "未經", "转载", "轉載", "本文为", "代表", "edited",
    "condensed", "电子邮箱", "必填项", "akismet", "保存我的显示名称", "email address", "required fields",
    "save my name", "live radio", "on air", "listen live", "all streams", "时间", "時間", "日期", "发表于", "發表於",
    "會員", "会员", "版主", "管理員", "管理员", "站長", "站长", "published by", " out ", "available", ".....",
    ". . . . .", "收录", "收錄", "订阅专栏", "訂閱專欄",
)  # fmt: skip
_FLOATING = re.compile(r"^(?:\.|\[\^[^\]]*\])\{\d+,\d+\}")
_ANCHORED = re.compile("|".join(f"(?:{p})" for _, p in LINES if not _FLOATING.match(p)), re.IGNORECASE)
# An image's file name glued to the text that follows it ("QandA_QDrop.jpgHow did…").
IMAGE_NAME = re.compile(r"^[\w.-]{1,60}\.(?:jpe?g|png|gif|webp|svg)(?=\S)", re.IGNORECASE)
_TAILS = [(why, re.compile(pattern, re.IGNORECASE)) for why, pattern in TAILS]

# Words of menus, share bars and icon fonts: a line made only of these is furniture.
MENU_WORDS = frozenset(
    """首页 首頁 登录 登錄 注册 註冊 退出 搜索 搜尋 分享 分享到 收藏 点赞 點讚 赞 讚 在看 打赏 打賞 举报 舉報 评论 評論
    转发 轉發 复制链接 複製連結 扫一扫 关注 關注 取消关注 私信 更多 返回 返回顶部 顶部 打印 关闭 關閉 关闭窗口 打印本页
    字号 大 中 小 上一篇 下一篇 目录 目錄 写留言 留言 阅读原文 閱讀原文 喜欢 喜歡 收起 展开 展開 展开全文 阅读全文 全文
    关于我们 關於我們 联系我们 聯絡我們 聯絡資訊 联系方式 返回看板 设为首页 加入收藏 网站地图 帮助 客户端 下载 APP 下载客户端
    微信 微博 朋友圈 QQ QQ空间 豆瓣 知乎 推荐 推薦 热门 熱門 最新 回复 回覆 引用 只看楼主 楼主 沙发 顶 踩 投诉 纠错 【纠错】
    图集 视频 音频 播放 暂停 听全文 菜单 選單 导航 導航 订阅 訂閱 RSS 分类 分類 标签 標籤 归档 歸檔
    取消 确定 确认 提交 发送 發送 赞同 反对 反對 添加评论 喜欢此内容的人还喜欢 知道了 赞赏 讚賞 转载 轉載 原创 原創
    share tweet email e-mail print facebook twitter x linkedin reddit whatsapp pinterest flipboard tumblr copy
    link copied clock menu more-arrow arrow no yes mobile close search comment comments like likes reply subscribe
    subscribed sign in up log out embed download listen transcript play pause donate home about contact advertise
    careers privacy policy terms of use cookie settings newsletter newsletters podcasts podcast next previous more
    instagram youtube tiktok threads bluesky mastodon rss feed top latest discussion discussions restack upgrade
    paid save saved bookmark gift article archive archives tags categories category filed under sections section
    weather sports opinion news video videos audio photos live watch listen now open app apple spotify google
    amazon music stitcher overcast pocket casts castbox iheartradio sign-in account profile settings notifications
    expand collapse view all see facebook-f twitter-x envelope rss-feed chevron-down chevron-right play-button""".split()
)
_HANZI = re.compile(r"[\u3400-\u9fff]")
_TOKEN_SPLIT = re.compile(r"[\s|｜·•/,，、▪︎●○◆◇■□►▶]+")
_NEUTRAL = re.compile(r"\(?\d[\d,.:]*[kKmM万]?\)?|[(（]\d*[)）]|[-–—]+")


def furniture(line: str) -> str | None:
    """Why ``line`` is page furniture, or None when it may be the post's.

    >>> furniture("责编 | 郑丽媛"), furniture("主 办：中国人工智能学会") is None
    ('byline', True)
    >>> furniture("© 2024 KRWG. Play Live Radio."), furniture("clock menu more-arrow no yes mobile")
    ('copyright', 'share bar')
    >>> furniture("图为会议现场。"), furniture("Re: [討論] 大模型會取代工程師嗎"), furniture("---|---")
    ('caption', 'forum', 'table residue')
    >>> furniture("李老师说：纠结有日子了") is None, furniture("GROSS: Welcome to FRESH AIR.") is None
    (True, True)
    """
    written = line.strip()
    if not written:
        return None
    plain = to_simplified(written)  # a rule written in simplified characters reads either script
    return _furniture(written) or (_furniture(plain) if plain != written else None)


def _furniture(text: str) -> str | None:
    if _menu_line(text):
        return "share bar"
    if _ANCHORED.fullmatch(text) is None:
        lowered = text.lower()
        if not any(hint in lowered for hint in HINTS):
            return None
    for why, pattern in _LINES:
        if pattern.fullmatch(text):
            if why == "code" and len(_HANZI.findall(text)) > 4 and not text.startswith(("//", "/*", "#")):
                continue  # "1. 你的算法一定有致命缺陷;" is prose with a semicolon, not code
            return why
    return None


def tail_start(line: str) -> str | None:
    """Why ``line`` starts the page's tail (related posts, comments, signature), or None.

    >>> tail_start("【相关】"), tail_start("发表回复"), tail_start("相关的讨论很多")
    ('related posts', 'comments', None)
    """
    written = line.strip()
    for text in dict.fromkeys((written, to_simplified(written))):
        for why, pattern in _TAILS:
            if pattern.fullmatch(text):
                return why
    return None


def _menu_line(text: str) -> bool:
    """A line of menu, share-bar or icon-font words (numbers and counts may sit between).

    >>> _menu_line("Facebook Twitter LinkedIn Email"), _menu_line("收藏 12 | 点赞 3"), _menu_line("No.")
    (True, True, False)
    """
    if len(text) > 160:
        return False
    tokens = [t for t in _TOKEN_SPLIT.split(text.strip("【】[]")) if t]
    if not tokens:
        return False
    words = [t for t in tokens if not _NEUTRAL.fullmatch(t)]
    if not words:
        return False
    return all(w.lower().strip("【】[]()（）:：") in MENU_WORDS for w in words)
