// `fazhi key rotate --new-key-file PATH`: re-encrypts the personal data with a new key
// (app/key_rotation.h). The current key is --key-file, already checked against the database when
// the program opened it. The new key file is created here (0600) and must not exist yet; if the
// rotation fails it is removed again and the database stays on the current key.
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/key_rotation.h"
#include "cli/commands.h"
#include "kit/cli_output.h"

namespace fazhi::cli {

void AddKeyCommands(kit::Commands& commands) {
  kit::Commands key = commands.Group("key", "个人信息加密密钥");
  auto new_key_file = std::make_shared<std::string>();
  CLI::App* rotate = key.Add(
      "rotate", "更换密钥：用新密钥重新加密全部个人信息（先停服务、先备份）", [new_key_file](kit::ModuleSet& m) {
        namespace fs = std::filesystem;
        if (fs::exists(*new_key_file))
          return kit::PrintError(Error{ErrorCode::kConflict,
                                       "新密钥文件 " + *new_key_file + " 已存在：请指定一个新路径，由本命令生成新密钥",
                                       "new-key-file", "key_file_exists"});
        auto next = auth::Vault::Open(*new_key_file, true);
        if (!next) return kit::PrintError(next.error());
        const kit::Services& s = m.services();
        Result<KeyRotation> done = std::unexpected(Error{});
        try {
          done = RotateKey(s.db, s.clock, s.vault, *next);
        } catch (const std::exception& e) {
          done = std::unexpected(Error{ErrorCode::kInternal, std::string("数据库错误：") + e.what()});
        }
        if (!done) {
          std::error_code ec;
          fs::remove(*new_key_file, ec);
          return kit::PrintError(done.error());
        }
        std::cout << "已用新密钥重新加密 " << done->values << " 项个人信息，重算索引 " << done->indexes << " 项（列：";
        for (std::size_t i = 0; i < done->columns.size(); ++i) std::cout << (i ? "、" : "") << done->columns[i];
        std::cout
            << "）。\n新密钥：" << *new_key_file
            << "\n下一步：把新密钥文件换到 --key-file 的位置（保持 0600），备份新密钥，然后启动服务；旧密钥文件此后"
               "只能解开更换前的备份，与那些备份一起保管"
            << std::endl;
        return 0;
      });
  rotate->add_option("--new-key-file", *new_key_file, "新密钥文件的路径（不能已存在）")->required();
}

}  // namespace fazhi::cli
